import type { ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { connectDataService } from '@mig-data/client';
import { embeddedUrl, startBuiltService } from './support/built-service';
import { action } from './support/fixtures';

/**
 * The built service (apps/data-service/dist/main.js) on the embedded PostgreSQL, as an operator
 * runs it: killed with SIGKILL, it leaves its postgres behind, and the next start stops that one
 * and serves; the scheduler's private key is stored encrypted, still signs after the restart,
 * and a start with the wrong key refuses in one line.
 */
const KEY = Buffer.alloc(32, 7).toString('base64');
const WRONG_KEY = Buffer.alloc(32, 8).toString('hex');

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the built service on the embedded PostgreSQL: SIGKILL, restart, and the scheduler key at rest', () => {
  let parent: string;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    parent = await mkdtemp(join(tmpdir(), 'mig-crash-'));
    await chmod(parent, 0o755);
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    // A postgres this test failed to clean up must not outlive it.
    const pidFile = await readFile(join(parent, 'postgres', 'postmaster.pid'), 'utf8').catch(() => undefined);
    if (pidFile) process.kill(Number(pidFile.split('\n')[0]), 'SIGQUIT');
    await rm(parent, { recursive: true, force: true });
  });

  it('starts after a SIGKILL left its postgres running, with the key still sealed and signing; the wrong key is refused in one line', async () => {
    const dataDir = join(parent, 'postgres');
    const first = startBuiltService({ MIG_DATA_DIR: dataDir, MIG_DATA_KEY_ENCRYPTION_KEY: KEY });
    children.push(first.child);
    const firstAddress = await first.listening;
    let clients = connectDataService(firstAddress, { timeoutMs: 20_000 });
    const { investigator: scheduler } = await clients.investigators.createSchedulerInvestigator({ name: '' });
    clients.close();

    // Read as any local user with the data directory's password would: no armored key in the table.
    const sql = new Client({ connectionString: await embeddedUrl(dataDir) });
    await sql.connect();
    const { rows } = await sql.query(`SELECT convert_from(privatekey, 'UTF8') AS privatekey FROM investigators WHERE privatekey IS NOT NULL`);
    await sql.end();
    expect(rows).toHaveLength(1);
    expect(rows[0].privatekey).not.toContain('PGP');
    expect(rows[0].privatekey).toMatch(/^mig-data:aes-256-gcm:v1:[A-Za-z0-9+/]+=*$/);

    const orphan = Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
    first.child.kill('SIGKILL');
    await first.finished;
    expect(isAlive(orphan)).toBe(true);

    const second = startBuiltService({ MIG_DATA_DIR: dataDir, MIG_DATA_KEY_ENCRYPTION_KEY: KEY });
    children.push(second.child);
    const secondAddress = await second.listening;
    expect(second.output()).toContain(`stopping PostgreSQL pid ${orphan} left running on ${dataDir}`);
    clients = connectDataService(secondAddress, { timeoutMs: 20_000 });
    try {
      const signed = await clients.investigators.signActionAsScheduler({ action: action({ name: 'after the crash', pgpsignatures: [] }) });
      const created = await clients.actions.createAction({ action: signed.action });
      expect(created.action!.investigators.map((signer) => signer.id)).toEqual([scheduler!.id]);
    } finally {
      clients.close();
    }
    second.child.kill('SIGINT');
    expect((await second.finished).code).toBe(0);

    const wrong = startBuiltService({ MIG_DATA_DIR: dataDir, MIG_DATA_KEY_ENCRYPTION_KEY: WRONG_KEY });
    children.push(wrong.child);
    const refused = await wrong.finished;
    expect(refused.code).toBe(1);
    const lines = refused.stderr.trimEnd().split('\n');
    expect(lines).toEqual([
      `mig-data service failed to start: the scheduler's private key (investigator ${scheduler!.id}) is encrypted and the key from MIG_DATA_KEY_ENCRYPTION_KEY does not decrypt it (wrong key): set it to the key it was encrypted with`,
    ]);
    // The refusal stopped its postgres too: nothing is left running on the data directory.
    await expect(readFile(join(dataDir, 'postmaster.pid'))).rejects.toThrow();
  }, 120_000);
});
