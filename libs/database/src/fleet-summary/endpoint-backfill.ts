import { rowsOf, type SqlRunner } from '../sql-runner';
import { summariseAgents, upsertSummaries } from './endpoint-summary-sql';

export interface BackfillProgress {
  /** Table blocks of agents summarised so far, of `blocks`. */
  blocksDone: number;
  blocks: number;
  elapsedMs: number;
}

/** Blocks of agents per statement: about 300,000 agent rows, a few seconds each on a 2-CPU machine. */
const BLOCKS_PER_STEP = 10_000;

/**
 * Summarises every agent row into mig_data_endpoints (per queueloc and name: the two agents seen
 * last, the latest start), a range of table blocks per statement (TID range scans, PostgreSQL 14 and later), so that
 * adopting a database of MIG's production size reports its progress instead of going quiet. The
 * upsert merges with what is there, so what the triggers folded in meanwhile is never moved back.
 * Cost: one read of agents and one grouping, linear in rows; measured at 21,000,000 agent rows in
 * the fleet-scale bench notes (bench/results/scale/latest.md).
 */
export async function backfillEndpointsLastSeen(db: SqlRunner, onProgress: (progress: BackfillProgress) => void): Promise<void> {
  const started = Date.now();
  const [{ blocks }] = rowsOf<{ blocks: number }>(await db.query(`SELECT (pg_relation_size('agents') / current_setting('block_size')::int)::int AS blocks`));
  for (let from = 0; from < blocks; from += BLOCKS_PER_STEP) {
    const to = Math.min(blocks, from + BLOCKS_PER_STEP);
    await db.query(
      upsertSummaries(summariseAgents('agents', `ctid >= format('(%s,0)', $1::int)::tid AND ctid < format('(%s,0)', $2::int)::tid`)),
      [from, to],
    );
    onProgress({ blocksDone: to, blocks, elapsedMs: Date.now() - started });
  }
  await db.query('ANALYZE mig_data_endpoints');
}
