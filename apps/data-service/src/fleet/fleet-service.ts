import type { FleetServiceServer } from '@mig-data/contract';
import type { AgentsStatsRepository, FleetRepository, TargetExpansionRepository } from '@mig-data/database';
import { InvalidArgumentError, nextPageToken, readPage, requireMigId } from '@mig-data/domain';
import { agentToMessage } from '../agents/agent-mapping';
import type { UnaryMethods } from '../grpc/unary';
import { agentsStatsToMessage, requireTime, windowMs } from './fleet-mapping';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const LIST_PAGE = { size: 1000, max: 100_000 };

export interface FleetRepositories {
  fleet: FleetRepository;
  targets: TargetExpansionRepository;
  stats: AgentsStatsRepository;
}

/** The FleetService RPCs (proto/mig/data/v1/fleet_service.proto). */
export function fleetService({ fleet, targets, stats }: FleetRepositories, clock: () => Date): UnaryMethods<FleetServiceServer> {
  const ago = (ms: number) => new Date(clock().getTime() - ms);
  return {
    listActiveAgents: async (request) => {
      const since = requireTime(request.since, 'since');
      const now = clock();
      if (since > now) throw new InvalidArgumentError('since', `is in the future (${since.toISOString()})`);
      const page = readPage(request.pageSize, request.pageToken, LIST_PAGE);
      const agents = await fleet.activeSince(since, now, page);
      return { agents, nextPageToken: nextPageToken(page, agents.length) };
    },

    listOfflineAgents: async (request) => {
      const seenWithin = windowMs(request.seenWithin, 'seen_within', 30 * DAY_MS);
      const silentFor = windowMs(request.silentFor, 'silent_for', 5 * MINUTE_MS);
      const page = readPage(request.pageSize, request.pageToken, LIST_PAGE);
      const now = clock().getTime();
      const names = await fleet.offlineNames(new Date(now - seenWithin), new Date(now - silentFor), page);
      return { names, nextPageToken: nextPageToken(page, names.length) };
    },

    listDoubleAgents: async (request) => {
      const window = windowMs(request.window, 'window', 10 * MINUTE_MS);
      const page = readPage(request.pageSize, request.pageToken, LIST_PAGE);
      const doubleAgents = await fleet.doubleAgents(ago(window), page);
      return { doubleAgents, nextPageToken: nextPageToken(page, doubleAgents.length) };
    },

    listMultiAgentQueues: async (request) => ({ queuelocs: await fleet.multiAgentQueues(requireTime(request.since, 'since')) }),

    listActiveAgentsByQueue: async (request) => {
      if (request.queueloc.trim() === '') throw new InvalidArgumentError('queueloc', 'must not be empty');
      const agents = await fleet.activeByQueue(request.queueloc, requireTime(request.since, 'since'));
      return { agents: agents.map(agentToMessage) };
    },

    expandTarget: async ({ target, withEnvironment }) => ({ agents: (await targets.expand(target, { withEnvironment })).map(agentToMessage) }),

    markIdleAgents: async (request) => ({ markedCount: await fleet.markIdle(requireTime(request.heartbeatBefore, 'heartbeat_before')) }),

    markOfflineAgents: async (request) => ({ markedCount: await fleet.markOffline(requireTime(request.heartbeatBefore, 'heartbeat_before')) }),

    markAgentUpgraded: async ({ id }) => ({ agent: agentToMessage(await fleet.markUpgraded(requireMigId(id, 'id'))) }),

    markAgentDestroyed: async (request) => {
      const id = requireMigId(request.id, 'id');
      return { agent: agentToMessage(await fleet.markDestroyed(id, request.destructiontime ?? clock())) };
    },

    createAgentsStats: async () => ({ stats: agentsStatsToMessage(await stats.computeAndStore(clock())) }),

    listAgentsStats: async (request) => {
      const page = readPage(request.pageSize, request.pageToken, { size: 10, max: 1000 });
      const rows = await stats.latest(page);
      return { stats: rows.map(agentsStatsToMessage), nextPageToken: nextPageToken(page, rows.length) };
    },
  };
}
