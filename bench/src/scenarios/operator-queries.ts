import type { DataServiceClients } from '@mig-data/client';
import type { AgentsStats } from '@mig-data/contract';
import {
  MIG_ACTIVE_AGENTS_BY_QUEUE,
  MIG_MULTI_AGENT_QUEUES,
  QUERY_CANCELED,
  runMigAgentsStats,
  SEED_DOUBLE_AGENTS,
  SEED_OFFLINE_AGENTS,
  type MigAgentsStats,
} from '@mig-data/database';
import { freshenFleet } from '../data/fleet-round';
import type { BenchContext } from '../harness/bench-context';
import type { Sample, Scenario } from '../harness/scenario';

type FleetClient = DataServiceClients['fleet'];

const PAGE_SIZE = 100_000;
/** An operator query answers within a second (issue 12), whatever the fleet's size. */
const INTERACTIVE_MS = 1_000;
/** Queues the active-agents-by-queue scenario asks about, one call each. */
const QUEUES_ASKED = 100;
/** The scheduler's look-back for active agents of a queue and for multi-agent queues. */
const RECENT_MS = 10 * 60_000;

interface OperatorQuery {
  title: string;
  /** What the service side runs, for the table. */
  serviceLabel: string;
  rawLabel: string;
  /** Ratio target against the raw side (service ÷ raw), when the issue sets one. */
  targetRatio?: number;
  /** Runs the query through the service; returns its rows, as text lines in a canonical order. */
  viaService(fleet: FleetClient): Promise<string[]>;
  /** Runs MIG's SQL; returns its rows in the same canonical form. */
  viaRaw(): Promise<string[]>;
  /** Divides a run's time (e.g. per call, when a run is several calls). */
  perRun?: number;
  unit?: string;
  size?: string;
}

/** Offline agents (seed §2.2): ListOfflineAgents, every page, against the seed's SQL verbatim. */
export function offlineAgentsScenario(context: BenchContext): Scenario {
  return operatorQueryScenario(context, {
    title: 'offline agents (seed §2.2)',
    serviceLabel: 'ListOfflineAgents RPC, all pages',
    rawLabel: "the seed's SQL verbatim",
    targetRatio: 0.3,
    viaService: async (fleet) => {
      const names: string[] = [];
      await allPages((pageToken) => fleet.listOfflineAgents({ seenWithin: undefined, silentFor: undefined, pageSize: PAGE_SIZE, pageToken }), (page) => names.push(...page.names));
      return names;
    },
    viaRaw: async () => (await rawQuery(context, SEED_OFFLINE_AGENTS)).map((row) => String(row.name)),
  });
}

/** Double agents (seed §2.3): ListDoubleAgents, every page, against the seed's SQL verbatim (its rows put in queueloc order to compare). */
export function doubleAgentsScenario(context: BenchContext): Scenario {
  return operatorQueryScenario(context, {
    title: 'double agents (seed §2.3)',
    serviceLabel: 'ListDoubleAgents RPC, all pages',
    rawLabel: "the seed's SQL verbatim",
    targetRatio: 1.2,
    viaService: async (fleet) => {
      const rows: string[] = [];
      await allPages((pageToken) => fleet.listDoubleAgents({ window: undefined, pageSize: PAGE_SIZE, pageToken }), (page) => rows.push(...page.doubleAgents.map((d) => `${d.queueloc} ${d.count}`)));
      return rows.sort();
    },
    viaRaw: async () => (await rawQuery(context, SEED_DOUBLE_AGENTS)).map((row) => `${row.queueloc} ${row.count}`).sort(),
  });
}

/** The scheduler's active agents of one queue (ActiveAgentsByQueue), for 100 queues spread over the fleet: time per call. */
export function activeAgentsByQueueScenario(context: BenchContext): Scenario {
  let queues: string[] = [];
  const scenario = operatorQueryScenario(context, {
    title: 'active agents by queue (MIG ActiveAgentsByQueue)',
    serviceLabel: 'ListActiveAgentsByQueue RPC, one call per queue',
    rawLabel: "MIG's scheduler SQL verbatim",
    perRun: QUEUES_ASKED,
    unit: 'ms per call',
    size: `${QUEUES_ASKED} queues of ${context.fleet.agents.toLocaleString('en-US')} agent rows`,
    viaService: async (fleet) => {
      const since = new Date(Date.now() - RECENT_MS);
      const rows: string[] = [];
      for (const queueloc of queues) {
        const agents: string[] = [];
        await allPages((pageToken) => fleet.listActiveAgentsByQueue({ queueloc, since, pageSize: 1000, pageToken }), (page) => agents.push(...page.agents.map((a) => `${a.queueloc} ${a.id} ${a.status} ${a.heartbeattime!.toISOString()}`)));
        rows.push(...agents.sort());
      }
      return rows;
    },
    viaRaw: async () => {
      const since = new Date(Date.now() - RECENT_MS);
      const rows: string[] = [];
      for (const queueloc of queues) {
        const found = await rawQuery(context, MIG_ACTIVE_AGENTS_BY_QUEUE, [since, queueloc, 'offline']);
        rows.push(...found.map((a) => `${a.queueloc} ${a.id} ${a.status} ${(a.heartbeattime as Date).toISOString()}`).sort());
      }
      return rows;
    },
  });
  const freshen = scenario.prepare!;
  scenario.prepare = async () => {
    await freshen();
    // Queues of agents spread over the whole id range: live endpoints, silent ones and history alike.
    const step = Math.max(1, Math.floor(context.fleet.agents / QUEUES_ASKED));
    const ids = Array.from({ length: QUEUES_ASKED }, (_, index) => context.fleet.firstAgentId + index * step);
    const { rows } = await context.pool.query<{ queueloc: string }>(`SELECT queueloc FROM agents WHERE id = ANY($1::numeric[]) ORDER BY id`, [ids]);
    queues = rows.map((row) => row.queueloc);
  };
  return scenario;
}

/** The scheduler's multi-agent queues (ListMultiAgentsQueues) of the last 10 minutes. */
export function multiAgentQueuesScenario(context: BenchContext): Scenario {
  return operatorQueryScenario(context, {
    title: 'multi-agent queues (MIG ListMultiAgentsQueues)',
    serviceLabel: 'ListMultiAgentQueues RPC',
    rawLabel: "MIG's scheduler SQL verbatim",
    viaService: async (fleet) => {
      const since = new Date(Date.now() - RECENT_MS);
      const queuelocs: string[] = [];
      await allPages((pageToken) => fleet.listMultiAgentQueues({ since, pageSize: PAGE_SIZE, pageToken }), (page) => queuelocs.push(...page.queuelocs));
      return queuelocs.sort();
    },
    viaRaw: async () => (await rawQuery(context, MIG_MULTI_AGENT_QUEUES, [new Date(Date.now() - RECENT_MS)])).map((row) => String(row.queueloc)).sort(),
  });
}

/** A statistics snapshot: CreateAgentsStats (computed and stored) against MIG's eight statistics statements and its INSERT. */
export function agentsStatsScenario(context: BenchContext): Scenario {
  return operatorQueryScenario(context, {
    title: 'statistics snapshot (MIG agents_stats)',
    serviceLabel: 'CreateAgentsStats RPC',
    rawLabel: "MIG's scheduler SQL verbatim, one statement per figure, then its INSERT",
    viaService: async (fleet) => {
      const { stats } = await fleet.createAgentsStats({});
      const { timestamp: _timestamp, ...figures } = stats as AgentsStats;
      return statsLines(figures);
    },
    viaRaw: async () => {
      const now = new Date();
      const stats = await withRawTimeout(context, () => runMigAgentsStats(context.pool, now));
      await context.pool.query(
        `INSERT INTO agents_stats (timestamp, online_agents, online_agents_by_version, online_endpoints, idle_agents, idle_agents_by_version, idle_endpoints, new_endpoints,
           multi_agents_endpoints, disappeared_endpoints, flapping_endpoints) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [now, stats.onlineAgents, JSON.stringify(stats.onlineAgentsByVersion), stats.onlineEndpoints, stats.idleAgents, JSON.stringify(stats.idleAgentsByVersion),
          stats.idleEndpoints, stats.newEndpoints, stats.multiAgentsEndpoints, stats.disappearedEndpoints, stats.flappingEndpoints],
      );
      return statsLines(stats);
    },
  });
}

function statsLines(stats: MigAgentsStats): string[] {
  return Object.entries(stats).map(([figure, value]) => `${figure} ${JSON.stringify(value)}`);
}

/**
 * An operator query timed end to end (all rows at the client), through the service and by MIG's SQL on
 * the same pool; each run's rows are compared with the other side's of the same round. The fleet
 * gets a heartbeat round first, so that it is live whatever the time since its load.
 */
function operatorQueryScenario(context: BenchContext, query: OperatorQuery): Scenario {
  const perRun = query.perRun ?? 1;
  const timed = async (work: () => Promise<string[]>): Promise<Sample> => {
    const start = performance.now();
    const rows = await work();
    return { value: (performance.now() - start) / perRun, work: Math.max(1, rows.length), answer: rows.join('\n') };
  };
  return {
    title: query.title,
    size: query.size ?? `${context.fleet.agents.toLocaleString('en-US')} agent rows`,
    unit: query.unit ?? 'ms',
    prepare: () => freshenFleet(context.pool),
    service: { id: 'service', label: query.serviceLabel, run: () => timed(() => query.viaService(context.clients.fleet)) },
    baselines: [{ id: 'raw', label: query.rawLabel, run: () => timed(() => query.viaRaw()) }],
    targets: query.targetRatio === undefined ? [] : [{ baseline: 'raw', op: '<=', value: query.targetRatio }],
    limit: { op: '<=', value: INTERACTIVE_MS },
  };
}

async function rawQuery(context: BenchContext, sql: string, parameters: unknown[] = []): Promise<Array<Record<string, unknown>>> {
  return withRawTimeout(context, async () => (await context.pool.query(sql, parameters)).rows);
}

async function withRawTimeout<T>(context: BenchContext, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if ((error as { code?: string }).code !== QUERY_CANCELED) throw error;
    throw new Error(`the raw query did not finish within the bench's statement_timeout on ${context.fleet.agents.toLocaleString('en-US')} agent rows`);
  }
}

async function allPages<Page extends { nextPageToken: string }>(fetch: (pageToken: string) => Promise<Page>, take: (page: Page) => void): Promise<void> {
  let pageToken = '';
  do {
    const page = await fetch(pageToken);
    take(page);
    pageToken = page.nextPageToken;
  } while (pageToken !== '');
}
