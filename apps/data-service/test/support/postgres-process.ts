import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * An embedded PostgreSQL run by a Node process of its own, so a test can stop it and start it
 * again under a running service. (Jest cannot load the ES module that names the binaries; plain
 * Node can, as the service itself does.)
 */
export interface PostgresProcess {
  url: string;
  /** Stops PostgreSQL as an operator would (fast shutdown: sessions are ended, nothing committed is lost). */
  stop(): Promise<void>;
}

const SCRIPT = `
const { startEmbeddedPostgres } = require('@mig-data/database');
const [dataDir, port] = process.argv.slice(1);
startEmbeddedPostgres({ dataDir, port: Number(port) }).then(
  (pg) => {
    process.stdout.write(JSON.stringify({ url: pg.url }) + '\\n');
    process.once('SIGTERM', () => pg.stop().then(() => process.exit(0)));
  },
  (error) => {
    process.stderr.write(error.message + '\\n');
    process.exit(1);
  },
);`;

export async function startPostgresProcess(dataDir: string, port = 0): Promise<PostgresProcess> {
  const child: ChildProcess = spawn(process.execPath, ['-e', SCRIPT, dataDir, String(port)], { cwd: resolve(__dirname, '../../../..'), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((done) => child.once('close', () => done()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (stdout.includes('\n')) resolveUrl(JSON.parse(stdout).url);
    });
    void exited.then(() => reject(new Error(`embedded PostgreSQL did not start: ${stderr}`)));
  });
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
