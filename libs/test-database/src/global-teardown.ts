import { dropDatabase } from '@mig-data/database';

/** Jest globalTeardown: drops the template and stops the embedded PostgreSQL, if one was started. */
export default async function globalTeardown(): Promise<void> {
  const cluster = globalThis.migTestCluster;
  if (!cluster) return;
  await dropDatabase(cluster.server.adminUrl, cluster.template);
  await cluster.server.stop();
}
