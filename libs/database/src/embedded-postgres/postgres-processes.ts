import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, chown, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedPostgresError, oneLine } from './embedded-postgres-error';
import type { PostgresUser } from './postgres-user';

/** Messages in English whatever the machine's locale: readiness is read from PostgreSQL's log. */
const MESSAGES_LOCALE = 'C';
const READY = 'database system is ready to accept connections';

export interface ClusterSettings {
  dataDir: string;
  superuser: string;
  password: string;
  /** Who runs PostgreSQL; undefined: this process's own user. */
  runAs?: PostgresUser;
  log: (line: string) => void;
}

/** Creates a new cluster in `settings.dataDir` (which must be empty or missing) with initdb. */
export async function initialiseCluster(initdb: string, settings: ClusterSettings): Promise<void> {
  await makeExecutable(initdb);
  // initdb reads the password from a file; only the user running it may read that file.
  const secrets = await mkdtemp(join(tmpdir(), 'mig-data-pw-'));
  const passwordFile = join(secrets, 'password');
  try {
    await writeFile(passwordFile, `${settings.password}\n`, { mode: 0o600 });
    if (settings.runAs) {
      await chown(secrets, settings.runAs.uid, settings.runAs.gid);
      await chown(passwordFile, settings.runAs.uid, settings.runAs.gid);
    }
    const args = [
      `--pgdata=${settings.dataDir}`,
      '--auth=scram-sha-256',
      `--username=${settings.superuser}`,
      `--pwfile=${passwordFile}`,
      `--lc-messages=${MESSAGES_LOCALE}`,
      '--encoding=UTF8',
    ];
    const initdbProcess = spawnAs(initdb, args, settings);
    const recent = recentLines(initdbProcess, settings.log);
    const outcome = await exited(initdbProcess);
    if (outcome !== 0) {
      throw new EmbeddedPostgresError(`initdb could not create a cluster in ${settings.dataDir} (${outcome}${recent.text()})`);
    }
  } finally {
    await rm(secrets, { recursive: true, force: true });
  }
}

/** A running postgres server; resolves once it accepts connections. */
export async function launchServer(postgres: string, port: number, settings: ClusterSettings): Promise<ChildProcess> {
  await makeExecutable(postgres);
  const args = [
    '-D', settings.dataDir,
    '-p', String(port),
    // Local-only: loopback TCP and no Unix socket (its directory may not exist or be writable).
    '-c', 'listen_addresses=127.0.0.1',
    '-c', 'unix_socket_directories=',
    '-c', 'max_connections=200',
    '-c', `lc_messages=${MESSAGES_LOCALE}`,
  ];
  const server = spawnAs(postgres, args, settings);
  const recent = recentLines(server, settings.log);
  await new Promise<void>((resolveReady, reject) => {
    let tail = '';
    const onData = (chunk: Buffer) => {
      tail = (tail + chunk.toString('utf8')).slice(-2 * READY.length);
      if (tail.includes(READY)) {
        server.stderr?.off('data', onData);
        resolveReady();
      }
    };
    server.stderr?.on('data', onData);
    exited(server).then((outcome) =>
      reject(new EmbeddedPostgresError(`PostgreSQL stopped before accepting connections on 127.0.0.1:${port} with data in ${settings.dataDir} (${outcome}${recent.text()})`)),
    );
  });
  return server;
}

/** Stops `server` with a fast shutdown (SIGINT) and waits for it to exit. */
export async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const done = exited(server);
  server.kill('SIGINT');
  await done;
}

function spawnAs(program: string, args: string[], settings: ClusterSettings): ChildProcess {
  const identity = settings.runAs ? { uid: settings.runAs.uid, gid: settings.runAs.gid } : {};
  return spawn(program, args, {
    ...identity,
    env: { ...process.env, LC_MESSAGES: MESSAGES_LOCALE },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * How the process ended, as words for a message. A program that cannot be started (EACCES,
 * ENOENT) is reported through the 'error' event, which would kill the whole service if nobody
 * listened: it is listened to here, always.
 */
function exited(child: ChildProcess): Promise<string | 0> {
  return new Promise((resolveOutcome) => {
    child.once('error', (error) => resolveOutcome(`could not run ${child.spawnfile}: ${oneLine(error)}`));
    child.once('close', (code, signal) => resolveOutcome(code === 0 ? 0 : signal ? `killed by ${signal}` : `exit code ${code}`));
  });
}

/** Logs every line the process writes and keeps the last few for an error message. */
function recentLines(child: ChildProcess, log: (line: string) => void): { text(): string } {
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      const trimmed = line.trim();
      if (!trimmed) continue;
      log(trimmed);
      lines.push(trimmed);
      if (lines.length > 5) lines.shift();
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { text: () => (lines.length ? `; its last words: ${lines.join(' | ')}` : '') };
}

/** npm does not always keep the executable bit of packaged programs. */
async function makeExecutable(program: string): Promise<void> {
  const mode = (await stat(program).catch(() => undefined))?.mode;
  if (mode !== undefined && (mode & 0o555) !== 0o555) await chmod(program, mode | 0o555);
}
