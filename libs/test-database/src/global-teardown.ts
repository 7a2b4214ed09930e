import { Client } from 'pg';
import { quoteIdentifier } from './test-cluster';

/** Jest globalTeardown: drops the template and stops the embedded PostgreSQL, if one was started. */
export default async function globalTeardown(): Promise<void> {
  const cluster = globalThis.migTestCluster;
  if (!cluster) return;
  const admin = new Client({ connectionString: cluster.adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(cluster.template)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  await cluster.embedded?.stop();
}
