import type { FleetServiceServer } from '@mig-data/contract';
import type { AgentsStatsRepository, FleetRepository, TargetExpansionRepository } from '@mig-data/database';
import { InvalidArgumentError, nextPageToken, PAGED_LISTS, readPage, requireMigId } from '@mig-data/domain';
import { agentToMessage } from '../agents/agent-mapping';
import type { RpcMethods } from '../grpc/rpc-handlers';
import { agentsStatsToMessage, requireTime, windowMs } from './fleet-mapping';
import { expandTargetMessages } from './target-stream';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export interface FleetRepositories {
  fleet: FleetRepository;
  targets: TargetExpansionRepository;
  stats: AgentsStatsRepository;
}

/** The FleetService RPCs (proto/mig/data/v1/fleet_service.proto). */
export function fleetService({ fleet, targets, stats }: FleetRepositories, clock: () => Date, maxMessageBytes: number): RpcMethods<FleetServiceServer> {
  return {
    listActiveAgents: async (request) => {
      const since = requireTime(request.since, 'since');
      const now = clock();
      if (since > now) throw new InvalidArgumentError('since', `is in the future (${since.toISOString()})`);
      // `now` is each page's own: an agent that heartbeats again while the reader pages must stay in.
      const page = readPage(PAGED_LISTS.activeAgents, request, { since });
      const agents = await fleet.activeSince(since, now, page);
      return { agents, nextPageToken: nextPageToken(page, agents, (agent) => [agent.queueloc, agent.name]) };
    },

    listOfflineAgents: async (request) => {
      const seenWithin = windowMs(request.seenWithin, 'seen_within', 30 * DAY_MS);
      const silentFor = windowMs(request.silentFor, 'silent_for', 5 * MINUTE_MS);
      // Every page answers for the moment the listing began: the windows do not slide between pages.
      const now = clock();
      const page = readPage(PAGED_LISTS.offlineAgents, request, { seen_within: seenWithin, silent_for: silentFor }, now);
      const asOf = (page.asOf ?? now).getTime();
      const names = await fleet.offlineNames(new Date(asOf - seenWithin), new Date(asOf - silentFor), page);
      return { names, nextPageToken: nextPageToken(page, names, (name) => [name]) };
    },

    listDoubleAgents: async (request) => {
      const window = windowMs(request.window, 'window', 10 * MINUTE_MS);
      const now = clock();
      const page = readPage(PAGED_LISTS.doubleAgents, request, { window }, now);
      const doubleAgents = await fleet.doubleAgents(new Date((page.asOf ?? now).getTime() - window), page);
      return { doubleAgents, nextPageToken: nextPageToken(page, doubleAgents, (queue) => [queue.queueloc]) };
    },

    listMultiAgentQueues: async (request) => {
      const since = requireTime(request.since, 'since');
      const page = readPage(PAGED_LISTS.multiAgentQueues, request, { since });
      const queuelocs = await fleet.multiAgentQueues(since, page);
      return { queuelocs, nextPageToken: nextPageToken(page, queuelocs, (queueloc) => [queueloc]) };
    },

    listActiveAgentsByQueue: async (request) => {
      const { queueloc } = request;
      if (queueloc.trim() === '') throw new InvalidArgumentError('queueloc', 'must not be empty');
      const since = requireTime(request.since, 'since');
      const page = readPage(PAGED_LISTS.activeAgentsByQueue, request, { queueloc, since });
      const agents = await fleet.activeByQueue(queueloc, since, page);
      return { agents: agents.map(agentToMessage), nextPageToken: nextPageToken(page, agents, (agent) => [agent.id]) };
    },

    expandTarget: (request) => expandTargetMessages(targets, request, maxMessageBytes),

    markIdleAgents: async (request) => ({ markedCount: await fleet.markIdle(requireTime(request.heartbeatBefore, 'heartbeat_before')) }),

    markOfflineAgents: async (request) => ({ markedCount: await fleet.markOffline(requireTime(request.heartbeatBefore, 'heartbeat_before')) }),

    markAgentUpgraded: async ({ id }) => ({ agent: agentToMessage(await fleet.markUpgraded(requireMigId(id, 'id'))) }),

    markAgentDestroyed: async (request) => {
      const id = requireMigId(request.id, 'id');
      return { agent: agentToMessage(await fleet.markDestroyed(id, request.destructiontime ?? clock())) };
    },

    createAgentsStats: async () => ({ stats: agentsStatsToMessage(await stats.computeAndStore(clock())) }),

    listAgentsStats: async (request) => {
      const page = readPage(PAGED_LISTS.agentsStats, request);
      const snapshots = await stats.latest(page);
      return { stats: snapshots.map(({ row }) => agentsStatsToMessage(row)), nextPageToken: nextPageToken(page, snapshots, ({ pageKey }) => pageKey) };
    },
  };
}
