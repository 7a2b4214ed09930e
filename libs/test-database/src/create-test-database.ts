import { randomBytes } from 'node:crypto';
import { createDatabase, dropDatabase } from '@mig-data/database';
import { TEST_ADMIN_URL_VARIABLE, TEST_TEMPLATE_VARIABLE } from './test-cluster';

export interface TestDatabase {
  /** A freshly migrated, empty MIG database of its own. */
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh copy of the migrated template for one test file (needs the project's jest globalSetup). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env[TEST_ADMIN_URL_VARIABLE];
  const template = process.env[TEST_TEMPLATE_VARIABLE];
  if (!adminUrl || !template) {
    throw new Error(`no test PostgreSQL: set globalSetup/globalTeardown from @mig-data/test-database in this project's jest config`);
  }
  const name = `mig_test_${randomBytes(6).toString('hex')}`;
  return { url: await createDatabase(adminUrl, name, { template }), name, drop: () => dropDatabase(adminUrl, name) };
}
