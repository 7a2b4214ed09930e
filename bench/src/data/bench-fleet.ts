import type { Pool } from 'pg';
import { loadFleet } from '@mig-data/database';
import { ProgressBar } from '../progress/progress-bar';

/** Agent rows per endpoint: MIG's table keeps every agent an endpoint ever ran, most of them long offline. */
const AGENTS_PER_ENDPOINT = 10;
/** Load time per agent row on the 2-CPU machine the bench was written on (21 million in 9.5 minutes). */
const LOAD_MS_PER_AGENT = 0.03;

export interface BenchFleet {
  /** The fleet's agent ids are firstAgentId .. firstAgentId + agents - 1. */
  firstAgentId: number;
  agents: number;
}

/** Loads a fleet of `agents` rows with the database lib's loader (see loadFleet for its shape), showing progress. */
export async function loadBenchFleet(pool: Pool, agents: number): Promise<BenchFleet> {
  const progress = new ProgressBar('loading agents', agents);
  let shown = 0;
  const fleetNow = new Date(Date.now() + agents * LOAD_MS_PER_AGENT);
  // loadFleet reads results as arrays of rows, as TypeORM returns them; node-postgres wraps them in { rows }.
  const rowsOnly = { query: async (sql: string, parameters?: unknown[]) => (await pool.query(sql, parameters)).rows };
  await loadFleet(rowsOnly, {
    endpoints: Math.max(1, Math.floor(agents / AGENTS_PER_ENDPOINT)),
    agents,
    // The fleet is dated as of the load's expected end, not its start: a 21-million-row load takes
    // minutes, and agents "heartbeating now" would otherwise all be past the 5-minute window of the
    // seed's offline query before the first scenario runs.
    now: fleetNow,
    onProgress: (loaded) => {
      progress.advance(loaded.agents - shown);
      shown = loaded.agents;
    },
  });
  progress.finish();
  // A load quicker than expected waits for its date: no heartbeat may lie in the future.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, fleetNow.getTime() - Date.now())));
  const { rows } = await pool.query<{ low: string; high: string; count: string }>('SELECT min(id) AS low, max(id) AS high, count(*) AS count FROM agents');
  const [{ low, high, count }] = rows;
  // The scenarios address agents by id range: one loader, one sequence, no gaps.
  if (Number(count) !== agents || Number(high) - Number(low) + 1 !== agents) {
    throw new Error(`the fleet load left ${count} agents with ids from ${low} to ${high}; expected ${agents} consecutive ids`);
  }
  return { firstAgentId: Number(low), agents };
}
