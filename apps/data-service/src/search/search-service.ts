import type { InvestigatorSummary, SearchServiceServer } from '@mig-data/contract';
import type { ActionRepository, SearchRepository, TargetExpansionRepository } from '@mig-data/database';
import { InvalidArgumentError } from '@mig-data/domain';
import { actionToMessage } from '../actions/action-mapping';
import { agentToMessage } from '../agents/agent-mapping';
import { commandToMessage } from '../commands/command-mapping';
import type { RpcMethods } from '../grpc/rpc-handlers';
import { filtersSet, searchFilterFrom } from './search-filter';

export interface SearchRepositories {
  search: SearchRepository;
  actions: ActionRepository;
  targets: TargetExpansionRepository;
}

/** The SearchService RPCs (proto/mig/data/v1/search_service.proto). */
export function searchService({ search, actions, targets }: SearchRepositories): RpcMethods<SearchServiceServer> {
  const commandsOnly = (foundAnything: boolean | undefined) => {
    if (foundAnything !== undefined) throw new InvalidArgumentError('filter.foundanything', 'applies to command searches only');
  };
  return {
    searchActions: async ({ filter }) => {
      const f = searchFilterFrom(filter);
      commandsOnly(f.foundAnything);
      const rows = await search.actions(f);
      const ids = rows.map((row) => row.id);
      const [counters, signers] = await Promise.all([actions.counters(ids), search.signersOf(ids)]);
      return { actions: rows.map((row) => actionToMessage(row, counters.get(row.id), (signers.get(row.id) ?? []).map(summary))) };
    },

    searchCommands: async ({ filter }) => {
      const rows = await search.commands(searchFilterFrom(filter));
      return { commands: rows.map(({ command, action, agent }) => commandToMessage(command, actionToMessage(action), agentToMessage(agent))) };
    },

    searchAgents: async ({ filter }) => {
      const f = searchFilterFrom(filter);
      commandsOnly(f.foundAnything);
      if (f.target !== undefined) {
        const others = filtersSet(f).filter((name) => name !== 'target');
        if (others.length > 0) throw new InvalidArgumentError('filter.target', `expands a target and cannot be combined with other filters (got ${others.join(', ')})`);
        const agents = await targets.expand(f.target, { withEnvironment: true });
        return { agents: agents.slice(f.offset, f.offset + f.limit).map(agentToMessage) };
      }
      return { agents: (await search.agents(f)).map(agentToMessage) };
    },

    searchInvestigators: async ({ filter }) => {
      const f = searchFilterFrom(filter);
      commandsOnly(f.foundAnything);
      return { investigators: (await search.investigators(f)).map(summary) };
    },
  };
}

function summary(row: { id: number; name: string; pgpfingerprint: string | null; status: string }): InvestigatorSummary {
  return { id: row.id, name: row.name, pgpfingerprint: row.pgpfingerprint ?? '', status: row.status };
}
