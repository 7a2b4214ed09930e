import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export interface ScratchPostgres {
  url: string;
  /** Stops PostgreSQL (its data stays in the directory, to be started again). */
  stop(): Promise<void>;
}

const REPOSITORY = resolve(__dirname, '../../../..');
// Jest's module loader cannot load the ESM package of PostgreSQL binaries; plain node can.
const PROGRAM = `
const { startEmbeddedPostgres } = require('@mig-data/database');
startEmbeddedPostgres({ dataDir: process.argv[1], port: Number(process.argv[2]) }).then((pg) => {
  process.stdout.write(pg.url + '\\n');
  process.once('SIGTERM', () => pg.stop().then(() => process.exit(0)));
}, (error) => { console.error(error.message); process.exit(1); });`;

/** An embedded PostgreSQL of its own, in a child process, that a test can stop and start again (same directory and port). */
export function startScratchPostgres(dataDir: string, port = 0): Promise<ScratchPostgres> {
  const child = spawn(process.execPath, ['-e', PROGRAM, dataDir, String(port)], { cwd: REPOSITORY, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return new Promise((resolveStarted, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const url = stdout.split('\n')[0];
      if (stdout.includes('\n')) resolveStarted({ url, stop: () => (child.kill('SIGTERM'), exited) });
    });
    child.once('exit', (code) => reject(new Error(`scratch PostgreSQL exited ${code}: ${stderr}`)));
  });
}
