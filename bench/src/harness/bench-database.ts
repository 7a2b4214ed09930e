import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { openMigratedDataSource, startEmbeddedPostgres, type EmbeddedPostgres } from '@mig-data/database';
import { quoteIdentifier, withDatabase } from '@mig-data/test-database';

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
  let embedded: EmbeddedPostgres | undefined;
  let adminUrl = databaseUrl;
  if (!adminUrl) {
    log('starting embedded PostgreSQL');
    embedded = await startEmbeddedPostgres({ dataDir: await mkdtemp(join(tmpdir(), 'mig-bench-pg-')), ephemeral: true });
    adminUrl = embedded.adminUrl;
  }
  const name = `mig_bench_${process.pid}_${Date.now()}`;
  const server = await asAdmin(adminUrl, async (admin) => {
    await admin.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
    const { rows } = await admin.query<{ server_version: string }>('SHOW server_version');
    return `${embedded ? 'embedded ' : ''}PostgreSQL ${rows[0].server_version}`;
  });
  const url = withDatabase(adminUrl, name);
  const dataSource = await openMigratedDataSource(url, { poolSize: 2, applicationName: 'mig-bench' });
  await dataSource.destroy();
  return {
    url,
    server,
    close: async () => {
      await asAdmin(adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`));
      await embedded?.stop();
    },
  };
}

async function asAdmin<T>(url: string, work: (admin: Client) => Promise<T>): Promise<T> {
  const admin = new Client({ connectionString: url });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}
