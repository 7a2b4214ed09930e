import { rowsOf, type SqlRunner } from '../sql-runner';

export interface BackfillProgress {
  /** Table blocks of agents summarised so far, of `blocks`. */
  blocksDone: number;
  blocks: number;
  elapsedMs: number;
}

/** Blocks of agents per statement: about 300,000 agent rows, a few seconds each on a 2-CPU machine. */
const BLOCKS_PER_STEP = 10_000;

/**
 * Summarises every agent row into mig_data_endpoints (max heartbeat and start per queueloc and
 * name), a range of table blocks per statement (TID range scans, PostgreSQL 14 and later), so that
 * adopting a database of MIG's production size reports its progress instead of going quiet. The
 * upsert keeps the later value, so rows the triggers folded in meanwhile are never moved back.
 * Cost: one read of agents and one grouping, linear in rows; measured at 21,000,000 agent rows in
 * the fleet-scale bench notes (bench/results/scale/latest.md).
 */
export async function backfillEndpointsLastSeen(db: SqlRunner, onProgress: (progress: BackfillProgress) => void): Promise<void> {
  const started = Date.now();
  const [{ blocks }] = rowsOf<{ blocks: number }>(await db.query(`SELECT (pg_relation_size('agents') / current_setting('block_size')::int)::int AS blocks`));
  for (let from = 0; from < blocks; from += BLOCKS_PER_STEP) {
    const to = Math.min(blocks, from + BLOCKS_PER_STEP);
    await db.query(
      `INSERT INTO mig_data_endpoints AS e (queueloc, name, last_heartbeat, last_start)
       SELECT queueloc, name, max(heartbeattime), max(starttime) FROM agents
       WHERE ctid >= format('(%s,0)', $1::int)::tid AND ctid < format('(%s,0)', $2::int)::tid
       GROUP BY queueloc, name ORDER BY queueloc, name
       ON CONFLICT (queueloc, name) DO UPDATE
         SET last_heartbeat = GREATEST(e.last_heartbeat, EXCLUDED.last_heartbeat), last_start = GREATEST(e.last_start, EXCLUDED.last_start)
         WHERE e.last_heartbeat < EXCLUDED.last_heartbeat OR e.last_start < EXCLUDED.last_start`,
      [from, to],
    );
    onProgress({ blocksDone: to, blocks, elapsedMs: Date.now() - started });
  }
  await db.query('ANALYZE mig_data_endpoints');
}
