import type { DataSource, EntityManager } from 'typeorm';
import { NotFoundError, type Page, type PAGED_LISTS } from '@mig-data/domain';
import type { AgentRow } from '../entities/agent.entity';
import { AGENT_COLUMNS } from './agent-rows';
import { fleetRead } from './fleet-read';
import { affectedRows, returnedRows } from './structured-query';

/**
 * Queues with several agents heartbeating since $1 (`op` '>=' or '>'): a queue whose second-latest
 * agent's heartbeat is in the window, or whose agents under two names both are.
 */
const SEVERAL_RECENT_AGENTS = (op: '>=' | '>', andWhere: string) => `
  SELECT queueloc FROM mig_data_endpoints
  WHERE last_heartbeat ${op} $1 ${andWhere}
  GROUP BY queueloc HAVING count(*) > 1 OR max(prev_heartbeat) ${op} $1`;

export interface AgentQueue {
  queueloc: string;
  name: string;
}

export interface DoubleAgent {
  count: number;
  queueloc: string;
}

/**
 * The fleet's health as MIG's scheduler and operators asked for it: who is active, who went
 * quiet, which endpoints run several agents, and the status changes that follow. Times are given
 * by the caller (the service's clock), so every answer is about one well-defined "now".
 */
export class FleetRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Distinct (queueloc, name) with a heartbeat in [since, now], by queueloc then name, after the
   * page's key. An agent heartbeating again stays in (its heartbeat time only grows, and `now` is
   * each page's own), so a pair active when the listing began is on exactly one page.
   */
  async activeSince(since: Date, now: Date, page: Page<typeof PAGED_LISTS.activeAgents.key>): Promise<AgentQueue[]> {
    return this.dataSource.query(
      `SELECT DISTINCT queueloc, name FROM agents
       WHERE heartbeattime >= $1 AND heartbeattime <= $2 ${page.after ? 'AND (queueloc, name) > ($4::text, $5::text)' : ''}
       ORDER BY queueloc, name LIMIT $3`,
      [since, now, page.limit, ...(page.after ?? [])],
    );
  }

  /**
   * Seed §2.2: names seen since `seenSince` but not since `silentSince`, by name. "Seen in the
   * window and not seen lately" is "some endpoint of the name last heartbeating in
   * [seenSince, silentSince), and none since `silentSince`" (same answer for any two windows: when
   * silentSince <= seenSince both are empty). The latest heartbeat of each endpoint is in
   * mig_data_endpoints (one row per queueloc and name, kept by triggers on agents): one pass over
   * the endpoints keeps the few that went quiet in the window (2% of a fleet), and each of their
   * names is looked up by name (mig_data_endpoints_name_idx) for an endpoint heartbeating since:
   * a name on several queues is offline only when all of them are silent. Nothing groups or sorts
   * the whole fleet (200,000 endpoints at MIG's production size), only the quiet ones.
   */
  async offlineNames(seenSince: Date, silentSince: Date, page: Page<typeof PAGED_LISTS.offlineAgents.key>): Promise<string[]> {
    const rows = await fleetRead<{ name: string }>(
      this.dataSource,
      `WITH quiet AS MATERIALIZED (
         SELECT name FROM mig_data_endpoints
         WHERE last_heartbeat >= $1 AND last_heartbeat < $2 ${page.after ? 'AND name > $4::text' : ''})
       SELECT DISTINCT quiet.name FROM quiet
       WHERE (SELECT max(endpoint.last_heartbeat) FROM mig_data_endpoints endpoint WHERE endpoint.name = quiet.name) < $2
       ORDER BY quiet.name LIMIT $3`,
      [seenSince, silentSince, page.limit, ...(page.after ?? [])],
    );
    return rows.map((row) => row.name);
  }

  /**
   * Seed §2.3: queues with more than one agent heartbeating since `since`, by queueloc (keyset). The
   * seed's "largest count first" cannot order pages: counts change while a reader pages, and a
   * queue whose count changed would move past the reader or back in front of it.
   * Candidates come from mig_data_endpoints (a queue whose second-latest agent heartbeat, or a
   * second name's, is in the window: one row per endpoint, not one per heartbeat of the last
   * minutes), and each candidate's agents are counted through the (queueloc, heartbeattime) index.
   * The candidates are all counted before the page's LIMIT: they are few (1% of a fleet).
   */
  async doubleAgents(since: Date, page: Page<typeof PAGED_LISTS.doubleAgents.key>): Promise<DoubleAgent[]> {
    const rows = await fleetRead<DoubleAgent>(
      this.dataSource,
      `WITH candidate AS MATERIALIZED (${SEVERAL_RECENT_AGENTS('>=', page.after ? 'AND queueloc > $2::text' : '')})
       SELECT (SELECT count(*) FROM agents WHERE agents.queueloc = candidate.queueloc AND agents.heartbeattime >= $1) AS count, queueloc
       FROM candidate ORDER BY queueloc`,
      [since, ...(page.after ?? [])],
    );
    return rows.filter((row) => row.count > 1).slice(0, page.limit);
  }

  /**
   * The scheduler's variant: queues with more than one agent outside `checkin` mode heartbeating
   * after `since`, by queueloc (keyset on queueloc, as doubleAgents).
   */
  async multiAgentQueues(since: Date, page: Page<typeof PAGED_LISTS.multiAgentQueues.key>): Promise<string[]> {
    const rows = await fleetRead<{ queueloc: string }>(
      this.dataSource,
      `WITH candidate AS MATERIALIZED (${SEVERAL_RECENT_AGENTS('>', page.after ? 'AND queueloc > $3::text' : '')})
       SELECT queueloc FROM candidate
       WHERE (SELECT count(*) FROM agents WHERE agents.queueloc = candidate.queueloc AND agents.heartbeattime > $1 AND agents.mode <> 'checkin') > 1
       ORDER BY queueloc LIMIT $2`,
      [since, page.limit, ...(page.after ?? [])],
    );
    return rows.map((row) => row.queueloc);
  }

  /** The agents of one queue, not offline, heartbeating after `since`, newest first by id (keyset on id). */
  async activeByQueue(queueloc: string, since: Date, page: Page<typeof PAGED_LISTS.activeAgentsByQueue.key>): Promise<AgentRow[]> {
    const rows: AgentRow[] = await this.dataSource.query(
      `SELECT ${AGENT_COLUMNS} FROM agents
       WHERE agents.queueloc = $1 AND agents.heartbeattime > $2 AND agents.status <> 'offline'
         ${page.after ? 'AND agents.id < $4::numeric' : ''}
       ORDER BY agents.id DESC LIMIT $3`,
      [queueloc, since, page.limit, ...(page.after ?? [])],
    );
    return rows;
  }

  /** Online agents silent since before `heartbeatBefore` become idle; returns how many. */
  async markIdle(heartbeatBefore: Date, manager: EntityManager = this.dataSource.manager): Promise<number> {
    return affectedRows(manager, `UPDATE agents SET status = 'idle' WHERE status = 'online' AND heartbeattime < $1`, [heartbeatBefore]);
  }

  /** Idle agents silent since before `heartbeatBefore` become offline; returns how many. */
  async markOffline(heartbeatBefore: Date, manager: EntityManager = this.dataSource.manager): Promise<number> {
    return affectedRows(manager, `UPDATE agents SET status = 'offline' WHERE status = 'idle' AND heartbeattime < $1`, [heartbeatBefore]);
  }

  async markUpgraded(id: number): Promise<AgentRow> {
    return this.updateOne(id, `status = 'upgraded'`, []);
  }

  async markDestroyed(id: number, destructiontime: Date): Promise<AgentRow> {
    return this.updateOne(id, `status = 'destroyed', destructiontime = $2`, [destructiontime]);
  }

  private async updateOne(id: number, assignments: string, parameters: unknown[]): Promise<AgentRow> {
    const [row] = await returnedRows<AgentRow>(
      this.dataSource.manager,
      `UPDATE agents SET ${assignments} WHERE agents.id = $1 RETURNING ${AGENT_COLUMNS}`,
      [id, ...parameters],
    );
    if (!row) throw new NotFoundError('agent', id);
    return row;
  }
}
