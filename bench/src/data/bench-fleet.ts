import type { Pool } from 'pg';
import { loadFleet } from '@mig-data/database';
import { ProgressBar } from '../progress/progress-bar';

/** Agent rows per endpoint: MIG's table keeps every agent an endpoint ever ran, most of them long offline. */
const AGENTS_PER_ENDPOINT = 10;

export interface BenchFleet {
  /** The fleet's agent ids are firstAgentId .. firstAgentId + agents - 1. */
  firstAgentId: number;
  agents: number;
}

/** Loads a fleet of `agents` rows with the database lib's loader (see loadFleet for its shape), showing progress. */
export async function loadBenchFleet(pool: Pool, agents: number): Promise<BenchFleet> {
  const progress = new ProgressBar('loading agents', agents);
  let shown = 0;
  // loadFleet reads results as arrays of rows, as TypeORM returns them; node-postgres wraps them in { rows }.
  const rowsOnly = { query: async (sql: string, parameters?: unknown[]) => (await pool.query(sql, parameters)).rows };
  await loadFleet(rowsOnly, {
    endpoints: Math.max(1, Math.floor(agents / AGENTS_PER_ENDPOINT)),
    agents,
    onProgress: (loaded) => {
      progress.advance(loaded.agents - shown);
      shown = loaded.agents;
    },
  });
  progress.finish();
  const { rows } = await pool.query<{ low: string; high: string; count: string }>('SELECT min(id) AS low, max(id) AS high, count(*) AS count FROM agents');
  const [{ low, high, count }] = rows;
  // The scenarios address agents by id range: one loader, one sequence, no gaps.
  if (Number(count) !== agents || Number(high) - Number(low) + 1 !== agents) {
    throw new Error(`the fleet load left ${count} agents with ids from ${low} to ${high}; expected ${agents} consecutive ids`);
  }
  return { firstAgentId: Number(low), agents };
}
