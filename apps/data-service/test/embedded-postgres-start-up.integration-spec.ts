import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { connectDataService } from '@mig-data/client';
import { startBuiltService, type Finished, type Started } from './support/built-service';

/**
 * The built service started through its real entry point (what `npm start` runs after building),
 * with the embedded PostgreSQL, in situations a new user meets. Start-up failures must end in one
 * line on stderr, never a stack trace.
 */
const REPOSITORY = resolve(__dirname, '../../..');
const isRoot = userInfo().uid === 0;

function startService(cwd: string, env: Record<string, string>): Started {
  return startBuiltService(env, { cwd });
}

function expectOneClearLine(result: Finished, ...mentions: string[]): void {
  expect(result.code).toBe(1);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^mig-data service failed to start: /);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  for (const mention of mentions) expect(lines[0]).toContain(mention);
}

describe('embedded PostgreSQL start-up failures', () => {
  let busy: Server;
  afterEach(async () => {
    await new Promise((done) => (busy ? busy.close(done) : done(undefined)));
  });

  test('a port already taken ends in one line naming the port, not a stack trace', async () => {
    busy = createServer();
    const port = await new Promise<number>((resolvePort) => busy.listen(0, '127.0.0.1', () => resolvePort((busy.address() as { port: number }).port)));
    const dataDir = await mkdtemp(join(tmpdir(), 'mig-port-taken-'));
    await chmod(dataDir, 0o755);
    try {
      const started = startService(REPOSITORY, { MIG_DATA_DIR: join(dataDir, 'pg'), MIG_DATA_EMBEDDED_PG_PORT: String(port) });
      expectOneClearLine(await started.finished, `127.0.0.1:${port}`, 'Address already in use');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

// As root, PostgreSQL runs as the `postgres` user, who cannot enter a folder only root may enter
// (/root is 0700 on Debian; containers run as root). Non-root users never hand PostgreSQL to
// another user, so there is nothing to test for them.
const asRoot = isRoot ? describe : describe.skip;
asRoot(`as root, a clone inside a 0700 folder${isRoot ? '' : ' (skipped: only root hands PostgreSQL to the postgres user; run the tests as root, as CI does)'}`, () => {
  let privateFolder: string;
  let clone: string;

  beforeAll(async () => {
    privateFolder = await mkdtemp(join(tmpdir(), 'mig-private-'));
    await chmod(privateFolder, 0o700);
    clone = join(privateFolder, 'mig-data');
    await mkdir(clone);
    // What the entry point runs on: the built apps and libs and node_modules (with the PostgreSQL
    // binaries), hard-linked so the copy is quick; a full copy when the temporary directory is on
    // another file system. The paths are what matters: every one of them lies inside the 0700 folder.
    const parts = ['package.json', 'node_modules', 'apps', 'libs'].map((part) => join(REPOSITORY, part));
    await promisify(execFile)('cp', ['-al', ...parts, clone]).catch(() => promisify(execFile)('cp', ['-a', ...parts, clone]));
  }, 60_000);

  afterAll(async () => {
    if (privateFolder) await rm(privateFolder, { recursive: true, force: true });
  });

  test('with the default data directory inside the private folder: one line saying why and which setting to change', async () => {
    const started = startService(clone, {});
    expectOneClearLine(await started.finished, `cannot enter ${privateFolder}`, 'MIG_DATA_DIR', 'DATABASE_URL');
  });

  test('with a data directory the postgres user can reach: serves gRPC, and leaves no copy of the binaries behind', async () => {
    const stagedBefore = await stagedBinaryCopies();
    const dataParent = await mkdtemp(join(tmpdir(), 'mig-reachable-'));
    await chmod(dataParent, 0o755);
    const started = startService(clone, { MIG_DATA_DIR: join(dataParent, 'postgres') });
    try {
      const address = await started.listening;
      // The package's own binaries are out of the postgres user's reach: a copy must be in use.
      expect((await stagedBinaryCopies()).length).toBe(stagedBefore.length + 1);
      const clients = connectDataService(address, { timeoutMs: 10_000 });
      try {
        const answer = await clients.investigators.listInvestigators({ pageSize: 10, pageToken: '' });
        expect(answer.investigators).toEqual([]);
      } finally {
        clients.close();
      }
      started.child.kill('SIGINT');
      expect((await started.finished).code).toBe(0);
      expect(await stagedBinaryCopies()).toEqual(stagedBefore);
    } finally {
      started.child.kill('SIGKILL');
      await rm(dataParent, { recursive: true, force: true });
    }
  });
});

async function stagedBinaryCopies(): Promise<string[]> {
  return (await readdir(tmpdir())).filter((name) => name.startsWith('mig-data-postgres-')).sort();
}
