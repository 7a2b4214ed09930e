import type { AgentServiceServer } from '@mig-data/contract';
import type { AgentRepository } from '@mig-data/database';
import {
  AGENT_STATUSES,
  InvalidArgumentError,
  isOneOf,
  nextPageToken,
  PAGED_LISTS,
  quoteInput,
  readPage,
  requireAtMost,
  requireMigId,
  validateHeartbeat,
  type InputLimits,
} from '@mig-data/domain';
import { agentToMessage, heartbeatFromMessage } from './agent-mapping';
import type { HeartbeatCoalescer } from './heartbeat-coalescer';
import type { RpcMethods } from '../grpc/rpc-handlers';

/** The AgentService RPCs (proto/mig/data/v1/agent_service.proto). */
export function agentService(agents: AgentRepository, coalescer: HeartbeatCoalescer, clock: () => Date, limits: InputLimits): RpcMethods<AgentServiceServer> {
  return {
    recordHeartbeat: async ({ heartbeat }) => {
      if (!heartbeat) throw new InvalidArgumentError('heartbeat', 'is required');
      const domainHeartbeat = heartbeatFromMessage(heartbeat, clock());
      validateHeartbeat(domainHeartbeat, 'heartbeat', limits);
      return coalescer.record(domainHeartbeat);
    },

    recordHeartbeats: async ({ heartbeats }) => {
      if (heartbeats.length === 0) throw new InvalidArgumentError('heartbeats', 'must hold at least one heartbeat');
      requireAtMost(heartbeats.length, 'heartbeats', limits.maxHeartbeatsPerCall, 'heartbeats');
      const now = clock();
      const domainHeartbeats = heartbeats.map((heartbeat, index) => {
        const domainHeartbeat = heartbeatFromMessage(heartbeat, now);
        validateHeartbeat(domainHeartbeat, `heartbeats[${index}]`, limits);
        return domainHeartbeat;
      });
      return { results: await agents.recordHeartbeats(domainHeartbeats) };
    },

    getAgent: async ({ id }) => ({ agent: agentToMessage(await agents.get(requireMigId(id, 'id'))) }),

    listAgents: async (request) => {
      if (request.status !== undefined && !isOneOf(AGENT_STATUSES, request.status)) {
        throw new InvalidArgumentError('status', `unknown agent status ${quoteInput(request.status)}; one of ${AGENT_STATUSES.join(', ')}`);
      }
      const { status, name, queueloc, version, heartbeatAfter } = request;
      const page = readPage(PAGED_LISTS.agents, request, { status, name, queueloc, version, heartbeat_after: heartbeatAfter });
      const rows = await agents.list({ status, name, queueloc, version, heartbeatAfter }, page);
      return { agents: rows.map(agentToMessage), nextPageToken: nextPageToken(page, rows, (row) => [row.id]) };
    },
  };
}
