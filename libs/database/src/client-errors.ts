import type { Pool, PoolClient } from 'pg';

const ignore = () => undefined;
const quieted = new WeakSet<PoolClient>();

/**
 * node-postgres emits 'error' on a client whose server goes away while it is checked out but not
 * running a query (between two statements, or after it was released to be destroyed), and the
 * pool listens only to idle clients: with no listener that 'error' ends the process. What failed
 * is already reported where it matters (the query's rejection, the next connect()), so each
 * client of the pools we hold ourselves gets a listener that keeps the event from being fatal.
 */
export function quietClientErrors(pool: Pool): void {
  pool.on('error', ignore);
  pool.on('connect', (client) => quietClient(client));
}

/** The same for one client of a pool we do not create (TypeORM's), once per client. */
export function quietClient(client: PoolClient): void {
  if (quieted.has(client)) return;
  quieted.add(client);
  client.on('error', ignore);
}
