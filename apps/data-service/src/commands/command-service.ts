import type { CommandServiceServer } from '@mig-data/contract';
import type { ActionRepository, AgentRepository, CommandRepository } from '@mig-data/database';
import {
  COMMAND_STATUSES,
  FINAL_COMMAND_STATUSES,
  InvalidArgumentError,
  isOneOf,
  isValidMigId,
  nextPageToken,
  PAGED_LISTS,
  readPage,
  requireMigId,
  quoteInput,
  requireAtMost,
  requireJsonSize,
  type InputLimits,
} from '@mig-data/domain';
import type { RpcMethods } from '../grpc/rpc-handlers';
import { actionToMessage } from '../actions/action-mapping';
import { agentToMessage } from '../agents/agent-mapping';
import { commandToMessage } from './command-mapping';

/** The CommandService RPCs (proto/mig/data/v1/command_service.proto). */
export function commandService(
  commands: CommandRepository,
  actions: ActionRepository,
  agents: AgentRepository,
  clock: () => Date,
  limits: InputLimits,
): RpcMethods<CommandServiceServer> {
  return {
    createCommands: async ({ actionId, agentIds, starttime }) => {
      requireMigId(actionId, 'action_id');
      if (agentIds.length === 0) throw new InvalidArgumentError('agent_ids', 'must name at least one agent');
      // The cap also keeps the answer under the largest message the service sends (see
      // create-commands-answer.ts): the commands are committed before the answer goes out.
      requireAtMost(agentIds.length, 'agent_ids', limits.maxAgentIdsPerCall, 'agent ids');
      // The field's name is built only for an id that fails: 100,000 template strings per call otherwise.
      agentIds.forEach((id, index) => isValidMigId(id) || requireMigId(id, `agent_ids[${index}]`));
      return commands.createForAgents(actionId, agentIds, starttime ?? clock());
    },

    getCommand: async ({ id }) => {
      const row = await commands.get(requireMigId(id, 'id'));
      const [action, agent] = await Promise.all([actions.get(row.actionid), agents.get(row.agentid)]);
      return { command: commandToMessage(row, actionToMessage(action), agentToMessage(agent)) };
    },

    listCommands: async (request) => {
      await actions.get(requireMigId(request.actionId, 'action_id'));
      if (request.status !== undefined && !isOneOf(COMMAND_STATUSES, request.status)) {
        throw new InvalidArgumentError('status', `unknown command status ${quoteInput(request.status)}; one of ${COMMAND_STATUSES.join(', ')}`);
      }
      const page = readPage(PAGED_LISTS.commands, request, { action_id: request.actionId, status: request.status });
      const rows = await commands.listByAction(request.actionId, request.status, page);
      return { commands: rows.map((row) => commandToMessage(row)), nextPageToken: nextPageToken(page, rows, (row) => [row.agentid]) };
    },

    markCommandSent: async ({ id }) => ({ command: commandToMessage(await commands.markSent(requireMigId(id, 'id'))) }),

    finishCommand: async (request) => {
      requireMigId(request.id, 'id');
      if (!isOneOf(FINAL_COMMAND_STATUSES, request.status)) {
        throw new InvalidArgumentError('status', `a command finishes ${FINAL_COMMAND_STATUSES.join(', ')}, not ${quoteInput(request.status)}`);
      }
      // Without an agent: the spool returning, as expired, a command no agent answered in time.
      const bySpool = request.agentQueueloc === '' && request.agentPid === 0;
      if (bySpool && request.status !== 'expired') throw new InvalidArgumentError('agent_queueloc', 'must name the returning agent (only an expiry may name none)');
      if (!bySpool && request.agentQueueloc === '') throw new InvalidArgumentError('agent_queueloc', 'must name the returning agent');
      if (!bySpool && request.agentPid <= 0) throw new InvalidArgumentError('agent_pid', 'must be the returning agent\'s process id');
      requireJsonSize(request.results, 'results', limits.maxActionJsonBytes);
      const finished = await commands.finish(request.id, {
        status: request.status,
        results: request.results,
        finishtime: request.finishtime ?? clock(),
        agentQueueloc: request.agentQueueloc,
        agentPid: request.agentPid,
      });
      return { command: commandToMessage(finished.command), overwritten: finished.overwritten };
    },
  };
}
