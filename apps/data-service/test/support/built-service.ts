import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/**
 * The built service through its real entry point (what `npm start` runs after building), as its
 * own process: the one way the tests start it so. The test run's own DATABASE_URL and MIG_DATA_DIR
 * do not leak into it unless `env` sets them; `cwd` is a copy of the project when a test needs one.
 */
const REPOSITORY = resolve(__dirname, '../../../..');
const ENTRY_POINT = 'apps/data-service/dist/main.js';

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
  /** When the process ended (Date.now()). */
  at: number;
}

export interface Started {
  child: ChildProcess;
  listening: Promise<string>;
  finished: Promise<Finished>;
  output(): string;
}

export function startBuiltService(env: Record<string, string>, options: { cwd?: string } = {}): Started {
  const fullEnv: NodeJS.ProcessEnv = {
    ...process.env,
    MIG_DATA_LISTEN: '127.0.0.1:0',
    MIG_DATA_AGENT_STATUS_JOB_INTERVAL_MS: '0',
    MIG_DATA_AGENTS_STATS_JOB_INTERVAL_MS: '0',
    ...env,
  };
  if (!('DATABASE_URL' in env)) delete fullEnv.DATABASE_URL;
  if (!('MIG_DATA_DIR' in env)) delete fullEnv.MIG_DATA_DIR;
  const child = spawn(process.execPath, [ENTRY_POINT], { cwd: options.cwd ?? REPOSITORY, env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  const listening = new Promise<string>((resolveAddress, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      // The whole line: a chunk may end inside the address.
      const address = /listening on (\S+) \(/.exec(stderr)?.[1];
      if (address) resolveAddress(address);
    });
    child.once('close', () => reject(new Error(`the service stopped before listening: ${stderr}`)));
  });
  listening.catch(() => undefined);
  const finished = new Promise<Finished>((done) => child.once('close', (code) => done({ code, stdout, stderr, at: Date.now() })));
  return { child, listening, finished, output: () => stdout };
}

/** The embedded server's own URL, from the files in its data directory (the test plays the local psql user). */
export async function embeddedUrl(dataDir: string, password?: string): Promise<string> {
  const port = (await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[3];
  const secret = password ?? (await readFile(join(dataDir, 'mig-data-superuser-password'), 'utf8')).trim();
  return `postgres://postgres:${encodeURIComponent(secret)}@127.0.0.1:${port}/mig`;
}

