import type { EntityManager, QueryResult } from 'typeorm';

/**
 * `EntityManager.query` shapes its result by statement kind (an UPDATE … RETURNING gives
 * `[rows, count]`, an INSERT hides its count). These ask TypeORM's query runner for its
 * structured result, so a write says plainly what it touched.
 */
async function structuredQuery(manager: EntityManager, sql: string, parameters: unknown[]): Promise<QueryResult> {
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    return await runner.query(sql, parameters, true);
  } finally {
    if (!manager.queryRunner) await runner.release();
  }
}

/** How many rows a write touched. */
export async function affectedRows(manager: EntityManager, sql: string, parameters: unknown[]): Promise<number> {
  return (await structuredQuery(manager, sql, parameters)).affected ?? 0;
}

/** The rows a write's RETURNING clause gave back. */
export async function returnedRows<Row>(manager: EntityManager, sql: string, parameters: unknown[]): Promise<Row[]> {
  return (await structuredQuery(manager, sql, parameters)).records as Row[];
}
