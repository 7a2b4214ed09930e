import { DatabaseError, type Pool, type QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';
import { quietClient } from '../client-errors';

/** A statement the hot paths run often: named, so each connection parses it once (pg's prepared statements). */
export interface PreparedStatement {
  name: string;
  text: string;
}

/** The main pool itself: TypeORM's postgres driver keeps its pg Pool as `master`. */
export function mainPool(dataSource: DataSource): Pool | undefined {
  return (dataSource.driver as unknown as { master?: Pool }).master;
}

/**
 * Runs one statement on a connection of the main pool with node-postgres alone: for the hottest
 * calls (a heartbeat batch, a get-by-id), which need neither TypeORM's query runner (an object, a
 * broadcaster and a reshaped result per statement) nor a transaction around a single statement,
 * and gain from a statement parsed once per connection (bench/README.md, "Where the time goes").
 * The connection is used in promise form, so the call's abandonment still cancels the query
 * (CancellableClient). The statement is its own transaction, committed before this returns. A
 * connection that failed other than with PostgreSQL's error answer, or with one that ends the
 * session, is dropped, never re-pooled.
 */
export async function poolQuery<Row extends QueryResultRow>(dataSource: DataSource, statement: PreparedStatement, values: unknown[]): Promise<Row[]> {
  const pool = mainPool(dataSource);
  if (!pool) throw new Error('the database is not connected (the data source was not initialized or is destroyed)');
  const client = await pool.connect();
  quietClient(client);
  let broken: Error | undefined;
  try {
    return (await client.query<Row>({ name: statement.name, text: statement.text, values })).rows;
  } catch (error) {
    if (!(error instanceof DatabaseError) || endsTheSession(error)) broken = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    client.release(broken);
  }
}

/**
 * A FATAL or PANIC answer (pg_terminate_backend, a shutdown) comes just before PostgreSQL closes
 * the connection. Released as healthy, the client sat idle in the pool until node-postgres noticed
 * the close, and a call taking it meanwhile failed UNAVAILABLE (seen under load, on the test that
 * kills a backend mid-call and then expects the service to recover).
 */
function endsTheSession(error: DatabaseError): boolean {
  return error.severity === 'FATAL' || error.severity === 'PANIC';
}
