import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { SqlRunner } from '../sql-runner';

/**
 * Runs `work` on one connection of `db` set up for loading, and puts the session back as it was.
 * - No statement_timeout: one batch's INSERT writes about a million rows at production size, which
 *   a service pool's timeout (MIG_DATA_DB_STATEMENT_TIMEOUT_MS, 30 s) would cancel; a load, like a
 *   migration, is not an operator's call that must answer in time. RESET returns to the pool's own
 *   value (a connection parameter is the session's default).
 * - JIT off: LLVM spends about 100 s compiling each batch's INSERT (PostgreSQL 15 of Debian, 400
 *   endpoints) for one second of work.
 */
export async function onLoadingSession<T>(db: SqlRunner, work: (session: SqlRunner) => Promise<T>): Promise<T> {
  return onOneSession(db, async (session) => {
    await session.query(`SET statement_timeout = 0; SET jit = off`);
    try {
      return await work(session);
    } finally {
      await session.query(`RESET statement_timeout; RESET jit`);
    }
  });
}

/** Runs `work` on one connection of `db`: a session setting then holds for all of its statements. */
async function onOneSession<T>(db: SqlRunner, work: (session: SqlRunner) => Promise<T>): Promise<T> {
  // By shape, not instanceof: a caller's copy of pg or typeorm may not be this package's.
  if ('createQueryRunner' in db) {
    const runner = (db as DataSource).createQueryRunner();
    try {
      return await work(runner);
    } finally {
      await runner.release();
    }
  }
  if ('totalCount' in db && 'connect' in db) {
    const client = await (db as Pool).connect();
    try {
      return await work(client);
    } finally {
      client.release();
    }
  }
  return work(db); // already one connection: a pg Client, a QueryRunner
}
