/** Anything that runs one SQL statement with parameters: a TypeORM DataSource or QueryRunner, a pg Pool or Client. */
export interface SqlRunner {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/** TypeORM answers a SELECT with its rows, node-postgres with `{ rows }`: both are accepted. */
export function rowsOf<Row>(result: unknown): Row[] {
  return (Array.isArray(result) ? result : (result as { rows: Row[] }).rows) as Row[];
}
