import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { connectDataService } from '@mig-data/client';
import { createTestDatabase, type TestDatabase } from '@mig-data/test-database';
import { readServiceConfig } from '../src/config/service-config';
import { createLogger } from '../src/logging/logger';
import { startDataService, type RunningDataService } from '../src/start-data-service';
import { action } from './support/fixtures';

/**
 * The scheduler's private key at rest, on a database the service is given (DATABASE_URL): in clear
 * (with a warning) while no key is configured, as MIG's Go scheduler needs it; sealed at the first
 * start with a key; then a start without the key, or with another one, is refused.
 */
describe("the scheduler's private key at rest", () => {
  let database: TestDatabase;
  let sql: Pool;
  let secrets: string;
  const logLines: string[] = [];
  const running: RunningDataService[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    sql = new Pool({ connectionString: database.url, max: 1 });
    secrets = await mkdtemp(join(tmpdir(), 'mig-kek-'));
  });
  afterAll(async () => {
    for (const service of running) await service.stop();
    await sql.end();
    await database.drop();
    await rm(secrets, { recursive: true, force: true });
  });

  async function start(env: Record<string, string>): Promise<RunningDataService> {
    const config = readServiceConfig({ DATABASE_URL: database.url, MIG_DATA_LISTEN: '127.0.0.1:0', MIG_DATA_DB_POOL_SIZE: '3', MIG_DATA_AGENT_STATUS_JOB_INTERVAL_MS: '0', MIG_DATA_AGENTS_STATS_JOB_INTERVAL_MS: '0', ...env });
    const service = await startDataService(config, createLogger('info', (line) => logLines.push(line)));
    running.push(service);
    return service;
  }
  async function stop(service: RunningDataService): Promise<void> {
    running.splice(running.indexOf(service), 1);
    await service.stop();
  }
  async function storedKey(): Promise<string> {
    const { rows } = await sql.query(`SELECT convert_from(privatekey, 'UTF8') AS privatekey FROM investigators WHERE privatekey IS NOT NULL`);
    return rows[0].privatekey;
  }

  it('is in clear without a key, sealed at the next start with one, signs from its sealed form, and is refused without it or with another', async () => {
    const plain = await start({});
    let clients = connectDataService(plain.address);
    const { investigator: scheduler } = await clients.investigators.createSchedulerInvestigator({ name: '' });
    clients.close();
    await stop(plain);
    expect(await storedKey()).toContain('-----BEGIN PGP PRIVATE KEY BLOCK-----');
    expect(logLines.some((line) => line.includes("created here will be stored in clear"))).toBe(true);

    const keyFile = join(secrets, 'kek');
    await writeFile(keyFile, `${Buffer.alloc(32, 1).toString('base64')}\n`, { mode: 0o600 });
    const sealed = await start({ MIG_DATA_KEY_ENCRYPTION_KEY_FILE: keyFile });
    expect(logLines.some((line) => line.includes(`encrypted the scheduler's private key (investigator ${scheduler!.id}) at rest with the key from ${keyFile}`))).toBe(true);
    const stored = await storedKey();
    expect(stored).not.toContain('PGP');
    expect(stored).toMatch(/^mig-data:aes-256-gcm:v1:/);
    clients = connectDataService(sealed.address);
    try {
      const signed = await clients.investigators.signActionAsScheduler({ action: action({ name: 'signed from the sealed key', pgpsignatures: [] }) });
      const created = await clients.actions.createAction({ action: signed.action });
      expect(created.action!.investigators.map((signer) => signer.id)).toEqual([scheduler!.id]);
    } finally {
      clients.close();
    }
    await stop(sealed);

    await expect(start({})).rejects.toThrow(
      `the scheduler's private key (investigator ${scheduler!.id}) is encrypted and no key to decrypt it is configured: set MIG_DATA_KEY_ENCRYPTION_KEY_FILE or MIG_DATA_KEY_ENCRYPTION_KEY to the key it was encrypted with`,
    );
    await expect(start({ MIG_DATA_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 2).toString('hex') })).rejects.toThrow(/does not decrypt it \(wrong key\)/);
    await expect(start({ MIG_DATA_KEY_ENCRYPTION_KEY: 'too short' })).rejects.toThrow('MIG_DATA_KEY_ENCRYPTION_KEY: must be 32 bytes written in base64 or hex');
    await expect(start({ MIG_DATA_KEY_ENCRYPTION_KEY_FILE: join(secrets, 'missing') })).rejects.toThrow(/MIG_DATA_KEY_ENCRYPTION_KEY_FILE=.*missing cannot be read \(ENOENT\)/);
    // The same key given in the environment opens it; nothing was changed by the refusals.
    expect(await storedKey()).toBe(stored);
    await stop(await start({ MIG_DATA_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('hex') }));
  });
});
