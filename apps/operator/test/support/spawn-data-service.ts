import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@mig-data/test-database';

export interface SpawnedDataService {
  /** host:port the service listens on. */
  address: string;
  database: TestDatabase;
  stop(): Promise<void>;
}

/** Settings that turn the periodic fleet jobs off: statuses and statistics then change only when a test changes them. */
export const FLEET_JOBS_OFF = { MIG_DATA_AGENT_STATUS_JOB_INTERVAL_MS: '0', MIG_DATA_AGENTS_STATS_JOB_INTERVAL_MS: '0' };

const MAIN = join(__dirname, '../../../data-service/dist/main.js');

/**
 * The built data service (`nx run data-service:build`) as a child process on a fresh test
 * database, as an operator would run it: mig-operator is tested against the real thing.
 * `env` adds settings (CONFIG_VARIABLES of apps/data-service/src/config/service-config.ts).
 */
export async function spawnDataService(env: Record<string, string> = {}): Promise<SpawnedDataService> {
  const database = await createTestDatabase();
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, DATABASE_URL: database.url, MIG_DATA_LISTEN: '127.0.0.1:0', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  try {
    const address = await new Promise<string>((resolve, reject) => {
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
        const listening = /mig-data service listening on (\S+)/.exec(stderr);
        if (listening) resolve(listening[1]);
      });
      child.once('exit', (code) => reject(new Error(`the data service exited (${code}) before listening:\n${stderr}`)));
    });
    return {
      address,
      database,
      stop: async () => {
        if (child.exitCode === null) {
          const exited = once(child, 'exit');
          child.kill('SIGTERM');
          await exited;
        }
        await database.drop();
      },
    };
  } catch (error) {
    child.kill('SIGKILL');
    await database.drop();
    throw error;
  }
}
