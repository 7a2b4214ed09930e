import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createTestDatabase, type TestDatabase } from './create-test-database';

export interface DataServiceChild {
  /** host:port the service listens on. */
  address: string;
  database: TestDatabase;
  /** SIGTERM, wait for the exit, drop the database. */
  stop(): Promise<void>;
}

/**
 * A built data service (`main`: the path of apps/data-service/dist/main.js, which the caller
 * knows and this library does not) as a child process on a fresh test database, as an operator
 * runs it; resolves once it says it is listening, and rejects with what it printed if it exits
 * first. `env` adds settings (CONFIG_VARIABLES of apps/data-service/src/config/service-config.ts).
 */
export async function spawnDataServiceProcess(main: string, env: Record<string, string> = {}): Promise<DataServiceChild> {
  const database = await createTestDatabase();
  const child = spawn(process.execPath, [main], {
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
