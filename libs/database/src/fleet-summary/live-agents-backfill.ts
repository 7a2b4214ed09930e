import { rowsOf, type SqlRunner } from '../sql-runner';
import { upsertLiveAgents } from './live-agents-sql';

export interface LiveAgentsBackfillProgress {
  /** Live agents copied so far. */
  agentsDone: number;
  /** The planner's estimate of live agents in all (the partial index's row count), or null when it has none. */
  agentsEstimated: number | null;
  elapsedMs: number;
}

/** Live agents per statement by default: a few seconds each at MIG's production size on a 2-CPU machine. */
const AGENTS_PER_STEP = 50_000;

/**
 * Copies every live (online or idle) agent into mig_data_live_agents, a range of queuelocs per
 * statement read through agents_live_queueloc_idx (the partial index of the live agents, in
 * queueloc order), so that adopting a database of MIG's production size reports its progress
 * instead of going quiet. The upsert takes agents' values over what is there. Cost: one random
 * heap fetch per live agent (about 200,000 at MIG's production size, whatever the history), no
 * read of the offline history; measured in the fleet-scale bench notes (bench/results/scale/).
 * Run it with agents locked against writes (the migration holds SHARE ROW EXCLUSIVE), or an agent
 * that changes meanwhile may be missed.
 */
export async function backfillLiveAgents(db: SqlRunner, onProgress: (progress: LiveAgentsBackfillProgress) => void, agentsPerStep = AGENTS_PER_STEP): Promise<void> {
  if (!Number.isInteger(agentsPerStep) || agentsPerStep < 1) throw new Error(`agentsPerStep must be a positive integer, got ${agentsPerStep}`);
  const started = Date.now();
  const [{ estimate }] = rowsOf<{ estimate: number | null }>(
    await db.query(`SELECT (SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass('agents_live_queueloc_idx') AND reltuples >= 0) AS estimate`),
  );
  let after: string | null = null;
  let agentsDone = 0;
  for (;;) {
    const from: string = after === null ? 'true' : 'queueloc > $1';
    const parameters: string[] = after === null ? [] : [after];
    // The step's last queueloc: its agents all go in this step, however many they are.
    const [{ upto }] = rowsOf<{ upto: string | null }>(
      await db.query(
        `SELECT max(queueloc) AS upto FROM (SELECT queueloc FROM agents WHERE status IN ('online', 'idle') AND ${from} ORDER BY queueloc LIMIT ${agentsPerStep}) step`,
        parameters,
      ),
    );
    if (upto === null) break;
    const [{ copied }] = rowsOf<{ copied: number }>(
      await db.query(
        `WITH copied AS (${upsertLiveAgents('agents', `${from} AND queueloc <= $${parameters.length + 1}`)} RETURNING 1) SELECT count(*) AS copied FROM copied`,
        [...parameters, upto],
      ),
    );
    agentsDone += Number(copied);
    after = upto;
    onProgress({ agentsDone, agentsEstimated: estimate === null ? null : Number(estimate), elapsedMs: Date.now() - started });
  }
  await db.query('ANALYZE mig_data_live_agents');
}
