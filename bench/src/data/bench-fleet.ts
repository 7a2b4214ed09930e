import type { Pool } from 'pg';
import { loadCommands, loadFleet, ProgressDisplay, productionLikeFleet } from '@mig-data/database';

/** Load times per row on the 2-CPU machine the bench was written on (21 million agents in 11 minutes, 20 million commands in 3). */
const LOAD_MS_PER_AGENT = 0.032;
const LOAD_MS_PER_COMMAND = 0.01;

/**
 * When loading `agents` and `commands` started now should be over. The fleet is dated then, not
 * at the start: a production-size load takes minutes, and agents "heartbeating now" would
 * otherwise be past the 5-minute window of the seed's offline query before the scenarios run.
 */
export function expectedLoadEnd(agents: number, commands: number): Date {
  return new Date(Date.now() + agents * LOAD_MS_PER_AGENT + commands * LOAD_MS_PER_COMMAND);
}

/** Waits for `date` if it is still ahead: after a load quicker than expected, no heartbeat may lie in the future. */
export function waitUntil(date: Date): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, date.getTime() - Date.now())));
}

export interface BenchFleet {
  /** The fleet's agent ids are firstAgentId .. firstAgentId + agents - 1. */
  firstAgentId: number;
  agents: number;
}

/** Loads a fleet of `agents` rows shaped as MIG's production one, dated `now`, with the database lib's loader (see loadFleet), showing progress. */
export async function loadBenchFleet(pool: Pool, agents: number, now: Date): Promise<BenchFleet> {
  const progress = new ProgressDisplay('loading agents', agents);
  await loadFleet(pool, { ...productionLikeFleet(agents), now, onProgress: (loaded) => progress.update(loaded.agents) });
  progress.finish();
  const fleet = await loadedFleet(pool);
  if (fleet.agents !== agents) throw new Error(`the fleet load left ${fleet.agents} agents; expected ${agents}`);
  return fleet;
}

/** The fleet in the database: the scenarios address agents by id range, so one loader, one sequence, no gaps. */
export async function loadedFleet(pool: Pool): Promise<BenchFleet> {
  const { rows } = await pool.query<{ low: string; high: string; count: string }>('SELECT min(id) AS low, max(id) AS high, count(*) AS count FROM agents');
  const [{ low, high, count }] = rows;
  if (Number(count) === 0 || Number(high) - Number(low) + 1 !== Number(count)) {
    throw new Error(`the fleet has ${count} agents with ids from ${low} to ${high}; expected consecutive ids, as loadFleet alone leaves them`);
  }
  return { firstAgentId: Number(low), agents: Number(count) };
}

/** Appends `commands` finished commands of past actions to `fleet`'s agents with the database lib's loader (see loadCommands), showing progress. */
export async function loadBenchCommands(pool: Pool, fleet: BenchFleet, commands: number): Promise<void> {
  if (commands === 0) return;
  const progress = new ProgressDisplay('loading commands', commands);
  await loadCommands(pool, { commands, agents: { firstId: fleet.firstAgentId, count: fleet.agents }, onProgress: (loaded) => progress.update(loaded.commands) });
  progress.finish();
}
