import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { embeddedUrl, startBuiltService } from './support/built-service';

/**
 * The embedded PostgreSQL's superuser password: random per data directory, kept in a 0600 file
 * inside it, required over TCP (scram-sha-256, no trust); a data directory made with the former
 * fixed password gets a random one at its next start. Through the built service: the library
 * itself cannot be loaded inside jest (its binaries package is an ES module).
 */
const FORMER_FIXED_PASSWORD = 'mig-data-embedded';
const PASSWORD_FILE = 'mig-data-superuser-password';

async function login(port: string, password: string): Promise<'ok' | string> {
  const client = new Client({ host: '127.0.0.1', port: Number(port), user: 'postgres', password, database: 'postgres' });
  try {
    await client.connect();
    await client.end();
    return 'ok';
  } catch (error) {
    return `${(error as { code?: string }).code}: ${(error as Error).message}`;
  }
}

describe("the embedded PostgreSQL's password", () => {
  let parent: string;
  beforeEach(async () => {
    parent = await mkdtemp(join(tmpdir(), 'mig-password-'));
    // As root, PostgreSQL runs as the postgres user, who must enter the parent.
    await chmod(parent, 0o755);
  });
  afterEach(() => rm(parent, { recursive: true, force: true }));

  async function serve(dataDir: string): Promise<{ port: string; stop(): Promise<string> }> {
    const service = startBuiltService({ MIG_DATA_DIR: dataDir });
    await service.listening;
    const port = new URL(await embeddedUrl(dataDir)).port;
    return {
      port,
      stop: async () => {
        service.child.kill('SIGINT');
        const { code, stdout } = await service.finished;
        expect(code).toBe(0);
        return stdout;
      },
    };
  }

  it('is random per new data directory, kept in a 0600 file, and the former fixed password no longer logs in', async () => {
    const passwords: string[] = [];
    for (const name of ['a', 'b']) {
      const dataDir = join(parent, name);
      const server = await serve(dataDir);
      try {
        const password = (await readFile(join(dataDir, PASSWORD_FILE), 'utf8')).trim();
        expect(password.length).toBeGreaterThanOrEqual(32);
        expect(password).not.toBe(FORMER_FIXED_PASSWORD);
        expect((await stat(join(dataDir, PASSWORD_FILE))).mode & 0o777).toBe(0o600);
        expect(await login(server.port, password)).toBe('ok');
        expect(await login(server.port, FORMER_FIXED_PASSWORD)).toMatch(/^28P01: password authentication failed/);
        expect(await login(server.port, '')).not.toBe('ok');
        // Every way in asks for the password: no trust line, local or TCP.
        const hba = (await readFile(join(dataDir, 'pg_hba.conf'), 'utf8')).split('\n').filter((line) => /^\s*(local|host)/.test(line));
        expect(hba.length).toBeGreaterThan(0);
        for (const line of hba) expect(line).toMatch(/\sscram-sha-256\s*$/);
        passwords.push(password);
      } finally {
        await server.stop();
      }
    }
    expect(passwords[0]).not.toBe(passwords[1]);
  }, 60_000);

  it('of a data directory made with the former fixed password is replaced by a random one at its next start, said in one line', async () => {
    const dataDir = join(parent, 'old');
    // Make the data directory as the former code left it: the fixed password and no password file.
    const first = await serve(dataDir);
    const admin = new Client({ connectionString: await embeddedUrl(dataDir) });
    await admin.connect();
    await admin.query(`ALTER ROLE postgres PASSWORD '${FORMER_FIXED_PASSWORD}'`);
    await admin.end();
    await first.stop();
    await rm(join(dataDir, PASSWORD_FILE));

    const second = await serve(dataDir);
    const password = (await readFile(join(dataDir, PASSWORD_FILE), 'utf8')).trim();
    expect((await stat(join(dataDir, PASSWORD_FILE))).mode & 0o777).toBe(0o600);
    expect(await login(second.port, password)).toBe('ok');
    expect(await login(second.port, FORMER_FIXED_PASSWORD)).toMatch(/^28P01/);
    const replaced = (await second.stop()).split('\n').filter((line) => line.includes('former fixed superuser password'));
    expect(replaced).toHaveLength(1);
    expect(replaced[0]).toContain(`replaced by a random one kept in ${join(dataDir, PASSWORD_FILE)} (mode 0600)`);

    // The next start has nothing to repair.
    const third = await serve(dataDir);
    expect(await third.stop()).not.toContain('former fixed superuser password');
  }, 60_000);
});
