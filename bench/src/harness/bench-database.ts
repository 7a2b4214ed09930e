import { asAdmin, createDatabase, dropDatabase, openMigratedDataSource, openScratchServer } from '@mig-data/database';

export interface BenchDatabase {
  /** A fresh, migrated MIG database of this run's own. */
  url: string;
  /** "embedded PostgreSQL 18.x" or the server's version string. */
  server: string;
  /** Drops the database and stops the embedded PostgreSQL, if one was started. */
  close(): Promise<void>;
}

/**
 * The PostgreSQL the bench runs on: the server in `databaseUrl` when given (a new database is
 * created beside the one named, so an existing MIG database is never touched), else an embedded
 * one in a temporary directory, gone after the run.
 */
export async function openBenchDatabase(databaseUrl: string | undefined, log: (line: string) => void): Promise<BenchDatabase> {
  if (!databaseUrl) log('starting embedded PostgreSQL');
  const scratch = await openScratchServer(databaseUrl, 'bench');
  const name = `mig_bench_${process.pid}_${Date.now()}`;
  const url = await createDatabase(scratch.adminUrl, name, { migrate: true });
  const { rows } = await asAdmin(scratch.adminUrl, (admin) => admin.query<{ server_version: string }>('SHOW server_version'));
  return {
    url,
    server: `${scratch.embedded ? 'embedded ' : ''}PostgreSQL ${rows[0].server_version}`,
    close: async () => {
      await dropDatabase(scratch.adminUrl, name);
      await scratch.stop();
    },
  };
}

/** A database that already holds a fleet (--fleet-database): migrated, used as it is, left in place. */
export async function openFleetDatabase(url: string, log: (line: string) => void): Promise<BenchDatabase> {
  log('migrating the given fleet database');
  await (await openMigratedDataSource(url, { poolSize: 2 })).destroy();
  const { rows } = await asAdmin(url, (admin) => admin.query<{ server_version: string }>('SHOW server_version'));
  return { url, server: `PostgreSQL ${rows[0].server_version}`, close: async () => undefined };
}
