import type { Pool } from 'pg';
import type { AgentEnvironment, Heartbeat } from '@mig-data/contract';
import type { AgentRow } from '@mig-data/database';

/** What an agent puts in its heartbeat: the fleet loader gives every agent a full environment. */
export type LiveAgent = Pick<AgentRow, 'id' | 'name' | 'queueloc' | 'mode' | 'version' | 'pid' | 'starttime' | 'heartbeattime' | 'tags'> & { environment: AgentEnvironment };

/** `count` distinct online or idle agents of the fleet: heartbeats for them update rows, as most heartbeats do. */
export async function selectLiveAgents(pool: Pool, count: number): Promise<LiveAgent[]> {
  const { rows } = await pool.query(
    `SELECT id, name, queueloc, mode, version, pid, starttime, heartbeattime, environment, tags FROM agents
     WHERE status IN ('online', 'idle') ORDER BY id LIMIT $1`,
    [count],
  );
  if (rows.length < count) throw new Error(`the fleet has ${rows.length} online or idle agents, the scenario needs ${count}: load more agents`);
  return rows.map((row) => ({ ...row, id: Number(row.id) }));
}

/** The heartbeat `agent` sends at `time`, as the contract carries it. */
export function heartbeatOf(agent: LiveAgent, time: Date): Heartbeat {
  return {
    name: agent.name,
    queueloc: agent.queueloc,
    mode: agent.mode,
    version: agent.version,
    pid: agent.pid,
    starttime: agent.starttime,
    heartbeatts: time,
    environment: agent.environment,
    tags: agent.tags,
  };
}

/** How many agents carry exactly this heartbeat time: the rows a heartbeat run really wrote. */
export async function countHeartbeatsAt(pool: Pool, time: Date): Promise<number> {
  const { rows } = await pool.query<{ count: string }>('SELECT count(*) AS count FROM agents WHERE heartbeattime = $1', [time]);
  return Number(rows[0].count);
}

let lastHeartbeatTime = 0;

/**
 * A heartbeat time no earlier run used, so each run's writes can be counted apart, and later than
 * every heartbeat `agents` had when selected: the heartbeats of a run move every agent forward, as
 * a real agent's do. The fleet round of the operator scenarios (fleet-round.ts) dates live agents
 * up to 15 minutes ahead of the clock; a heartbeat at the clock's time would then move them back,
 * which the service never does (it keeps the later time) while a plain UPDATE does, and a moved-back
 * heartbeat makes the endpoint summary's trigger recompute the endpoint from agents (migration
 * 1796003000000): the two sides would not do the same work.
 */
export function freshHeartbeatTime(agents: readonly LiveAgent[]): Date {
  const latest = agents.reduce((max, agent) => Math.max(max, agent.heartbeattime.getTime()), 0);
  lastHeartbeatTime = Math.max(Date.now(), lastHeartbeatTime + 1, latest + 1);
  return new Date(lastHeartbeatTime);
}
