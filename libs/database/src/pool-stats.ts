import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

/** What a connection pool holds right now, read-only, for metrics. */
export interface PoolStats {
  /** Connections open, busy or idle. */
  total: number;
  /** Open connections no one is using. */
  idle: number;
  /** Callers queued for a connection. */
  waiting: number;
}

export function statsOfPool(pool: Pool): PoolStats {
  return { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
}

/** The main pool's figures: TypeORM's postgres driver keeps its pg Pool as `master`. */
export function databasePoolStats(database: DataSource): PoolStats {
  const pool = (database.driver as unknown as { master?: Pool }).master;
  return pool ? statsOfPool(pool) : { total: 0, idle: 0, waiting: 0 };
}
