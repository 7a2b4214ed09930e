import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { mainPool } from './repositories/pool-query';

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

/** The main pool's figures. */
export function databasePoolStats(database: DataSource): PoolStats {
  const pool = mainPool(database);
  return pool ? statsOfPool(pool) : { total: 0, idle: 0, waiting: 0 };
}
