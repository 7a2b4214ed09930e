import type { DataSource, EntityManager } from 'typeorm';
import type { Page, PageKey, PAGED_LISTS } from '@mig-data/domain';
import { FLEET_QUERY_WORK_MEM } from '../fleet-query-memory';
import { inTransaction, withLocalSettings } from './transaction-settings';

/** One snapshot of the fleet's health, as MIG's scheduler stores it in agents_stats (counts are NULL in rows MIG left unset). */
export interface AgentsStatsRow {
  timestamp: Date;
  online_agents: number;
  online_agents_by_version: unknown;
  online_endpoints: number;
  idle_agents: number;
  idle_agents_by_version: unknown;
  idle_endpoints: number;
  new_endpoints: number;
  multi_agents_endpoints: number;
  disappeared_endpoints: number;
  flapping_endpoints: number;
}

/** One line of online_agents_by_version / idle_agents_by_version, as MIG stored it. */
export interface AgentVersionCount {
  version: string;
  count: number;
}

const HOUR_MS = 3_600_000;

/**
 * Fleet statistics, with MIG's definitions (spec/operations.md "Fleet statistics"), computed in
 * one statement so that every figure describes the same instant. The live (online and idle) agents
 * are read from mig_data_live_agents (exactly those agents, kept by triggers on agents, migration
 * 1796009000000-live-agents), a few tens of MB at MIG's production size instead of one random heap
 * fetch per live agent across the whole history; `per_queue` groups them in queueloc order, read
 * off the table's (queueloc, status) index as they come (no hash table of 200,000 queues), and
 * every per-endpoint figure is counted in that one pass. Idle agents by version look up, for each
 * idle agent (few), whether its queue has an online one, through the same index. New and disappeared endpoints look at history: they are
 * read from mig_data_endpoints (one row per endpoint: its latest start and its two agents seen
 * last) instead of grouping every agent row of the last week, and checked against agents only
 * where the summary cannot tell, one (queueloc, heartbeattime) index probe each.
 * - new: an agent started after $2 (so the endpoint's latest start is after $2: those queues are
 *   found through mig_data_endpoints_last_start_idx, migration 1796009200000, and only their rows
 *   are read, not all 200,000), and no agent of the queue with a heartbeat between $3 and $2. Every agent but the two seen last heartbeated
 *   no later than the second of them: if neither of those is in the window and the second is
 *   before it, none is; only a queue whose two latest are both after the window (two agents
 *   running) needs its agents probed;
 * - disappeared: an offline agent heartbeating after $3 (so the endpoint's latest heartbeat is
 *   after $3), and no online or idle agent. The queues without a live agent are taken first (a
 *   hash anti-join with mig_data_live_agents, a few thousand of 200,000; against `per_queue` the
 *   planner misjudged its width and sorted both sides), and only those are probed: LATERAL keeps
 *   the planner from probing every endpoint before the anti-join.
 */
const COMPUTE_STATS = `
  WITH per_queue AS (
    SELECT queueloc, count(*) FILTER (WHERE status = 'online') AS online, count(*) AS live FROM mig_data_live_agents GROUP BY queueloc
  ), endpoints AS (
    SELECT count(*) FILTER (WHERE online > 0) AS online, count(*) FILTER (WHERE online = 0) AS idle,
           count(*) FILTER (WHERE online > 1) AS multi_agents, count(*) FILTER (WHERE live > 1) AS flapping
    FROM per_queue
  ), online_by_version AS (
    SELECT version, count(*) AS count FROM mig_data_live_agents WHERE status = 'online' GROUP BY version
  ), idle_by_version AS (
    SELECT live.version, count(*) AS count FROM mig_data_live_agents live
    WHERE live.status = 'idle' AND NOT EXISTS (SELECT 1 FROM mig_data_live_agents other WHERE other.queueloc = live.queueloc AND other.status = 'online')
    GROUP BY live.version
  ), quiet AS MATERIALIZED (
    SELECT DISTINCT gone.queueloc FROM mig_data_endpoints gone
    WHERE gone.last_heartbeat > $3 AND NOT EXISTS (SELECT 1 FROM mig_data_live_agents live WHERE live.queueloc = gone.queueloc)
  )
  SELECT
    (SELECT coalesce(sum(count), 0) FROM online_by_version) AS online_agents,
    (SELECT coalesce(json_agg(json_build_object('version', version, 'count', count) ORDER BY version), '[]') FROM online_by_version) AS online_agents_by_version,
    endpoints.online AS online_endpoints,
    (SELECT coalesce(sum(count), 0) FROM idle_by_version) AS idle_agents,
    (SELECT coalesce(json_agg(json_build_object('version', version, 'count', count) ORDER BY version), '[]') FROM idle_by_version) AS idle_agents_by_version,
    endpoints.idle AS idle_endpoints,
    (SELECT count(*) FROM (SELECT DISTINCT queueloc FROM mig_data_endpoints WHERE last_start > $2) recent
      CROSS JOIN LATERAL (
        SELECT 1 FROM mig_data_endpoints started WHERE started.queueloc = recent.queueloc
        HAVING max(last_start) > $2
           AND NOT bool_or((last_heartbeat > $3 AND last_heartbeat < $2) OR coalesce(prev_heartbeat > $3 AND prev_heartbeat < $2, false))
           AND (NOT coalesce(bool_or(prev_heartbeat >= $2), false)
                OR NOT EXISTS (SELECT 1 FROM agents seen WHERE seen.queueloc = recent.queueloc AND seen.heartbeattime > $3 AND seen.heartbeattime < $2))) new) AS new_endpoints,
    endpoints.multi_agents AS multi_agents_endpoints,
    (SELECT count(*) FROM quiet CROSS JOIN LATERAL (
      SELECT 1 FROM agents offline WHERE offline.queueloc = quiet.queueloc AND offline.heartbeattime > $3 AND offline.status = 'offline' LIMIT 1) seen) AS disappeared_endpoints,
    endpoints.flapping AS flapping_endpoints,
    $1::timestamptz AS timestamp
  FROM endpoints`;

/**
 * For the rest of the statistics' transaction: memory enough for its groupings to stay off disk
 * (at the default 4 MB every grouping over the live queues spilled to temporary files); groupings
 * by sorted input, not hashing (per_queue from the index in order: 70 ms against 250 ms for a hash
 * table of the 200,000 live queues, PostgreSQL 15, 21 million agent rows, warm); and no JIT (LLVM
 * would compile the plan for longer than it runs).
 */
const STATS_SETTINGS = `SET LOCAL work_mem = '${FLEET_QUERY_WORK_MEM}'; SET LOCAL enable_hashagg = off; SET LOCAL jit = off`;

/** The agents_stats table: snapshots of the fleet's health. */
export class AgentsStatsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Computes the statistics as of `now` (new endpoints: started in the last 24 h, unseen in the 7
   * days before), in `manager`'s transaction or in one of its own, with STATS_SETTINGS for it.
   */
  async compute(now: Date, manager?: EntityManager): Promise<AgentsStatsRow> {
    return withLocalSettings(manager ?? this.dataSource.manager, STATS_SETTINGS, async (transaction) => {
      const [raw] = await transaction.query(COMPUTE_STATS, [now, new Date(now.getTime() - 24 * HOUR_MS), new Date(now.getTime() - 7 * 24 * HOUR_MS)]);
      return {
        timestamp: raw.timestamp,
        online_agents: raw.online_agents,
        online_agents_by_version: countsFrom(raw.online_agents_by_version),
        online_endpoints: raw.online_endpoints,
        idle_agents: raw.idle_agents,
        idle_agents_by_version: countsFrom(raw.idle_agents_by_version),
        idle_endpoints: raw.idle_endpoints,
        new_endpoints: raw.new_endpoints,
        multi_agents_endpoints: raw.multi_agents_endpoints,
        disappeared_endpoints: raw.disappeared_endpoints,
        flapping_endpoints: raw.flapping_endpoints,
      };
    });
  }

  /** Computes the statistics as of `now` and stores them as a snapshot, in `manager`'s transaction or in one of its own. */
  async computeAndStore(now: Date, manager?: EntityManager): Promise<AgentsStatsRow> {
    return inTransaction(manager ?? this.dataSource.manager, async (transaction) => {
      const stats = await this.compute(now, transaction);
      await transaction.query(
        `INSERT INTO agents_stats (timestamp, online_agents, online_agents_by_version, online_endpoints, idle_agents,
           idle_agents_by_version, idle_endpoints, new_endpoints, multi_agents_endpoints, disappeared_endpoints, flapping_endpoints)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          stats.timestamp,
          stats.online_agents,
          JSON.stringify(stats.online_agents_by_version),
          stats.online_endpoints,
          stats.idle_agents,
          JSON.stringify(stats.idle_agents_by_version),
          stats.idle_endpoints,
          stats.new_endpoints,
          stats.multi_agents_endpoints,
          stats.disappeared_endpoints,
          stats.flapping_endpoints,
        ],
      );
      return stats;
    });
  }

  /**
   * The latest snapshots, newest first, after the page's key. The table has no key column (MIG's
   * schema): ties between snapshots of one instant are broken by ctid, stable because snapshots are
   * never updated. The timestamp travels as text so its microseconds survive (a Date drops them).
   * Plain SQL: the entity's timestamp-as-primary-key would fold snapshots of one instant together.
   */
  async latest(page: Page<typeof PAGED_LISTS.agentsStats.key>): Promise<Array<{ row: AgentsStatsRow; pageKey: PageKey<typeof PAGED_LISTS.agentsStats.key> }>> {
    const raws: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT *, "timestamp"::text AS page_time, ctid::text AS page_tid FROM agents_stats
       ${page.after ? 'WHERE ("timestamp", ctid) < ($2::timestamptz, $3::tid)' : ''}
       ORDER BY "timestamp" DESC, ctid DESC LIMIT $1`,
      [page.limit, ...(page.after ?? [])],
    );
    return raws.map(({ page_time, page_tid, ...row }) => ({ row: row as unknown as AgentsStatsRow, pageKey: [String(page_time), String(page_tid)] }));
  }
}

function countsFrom(value: unknown): AgentVersionCount[] {
  return (Array.isArray(value) ? value : []).map((entry: { version: string; count: number | string }) => ({ version: entry.version, count: Number(entry.count) }));
}
