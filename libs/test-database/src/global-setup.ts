import { createDatabase, openScratchServer, type ScratchServer } from '@mig-data/database';
import { TEST_ADMIN_URL_VARIABLE, TEST_TEMPLATE_VARIABLE } from './test-cluster';

declare global {
  // Shared with global-teardown, which runs in the same process.
  var migTestCluster: { server: ScratchServer; template: string } | undefined;
}

/**
 * Jest globalSetup: one PostgreSQL for the whole run — the server in DATABASE_URL when set,
 * else an embedded one in a temporary directory — and one migrated template database that each
 * test file copies (`createTestDatabase`), which is much faster than migrating per file.
 */
export default async function globalSetup(): Promise<void> {
  const server = await openScratchServer(process.env.DATABASE_URL, 'test');
  const template = `mig_template_${process.pid}_${Date.now()}`;
  await createDatabase(server.adminUrl, template, { migrate: true });
  process.env[TEST_ADMIN_URL_VARIABLE] = server.adminUrl;
  process.env[TEST_TEMPLATE_VARIABLE] = template;
  globalThis.migTestCluster = { server, template };
}
