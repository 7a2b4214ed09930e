import { parseArgs } from 'node:util';
import type { SearchFilter } from '@mig-data/contract';
import { renderJson, renderTable } from '../output/table';
import { UsageError, type OperatorCommand } from '../operator-command';

const KINDS = ['actions', 'commands', 'agents', 'investigators'] as const;

const OPTIONS = {
  'action-id': { type: 'string' },
  'action-name': { type: 'string' },
  after: { type: 'string' },
  before: { type: 'string' },
  'agent-id': { type: 'string' },
  'agent-name': { type: 'string' },
  'agent-version': { type: 'string' },
  'command-id': { type: 'string' },
  status: { type: 'string' },
  target: { type: 'string' },
  'threat-family': { type: 'string' },
  'investigator-id': { type: 'string' },
  'investigator-name': { type: 'string' },
  'found-anything': { type: 'string' },
  limit: { type: 'string', default: '100' },
  offset: { type: 'string', default: '0' },
} as const;

/** MIG's search: actions, commands, agents or investigators by any combination of filters. */
export const searchCommand: OperatorCommand = {
  name: 'search',
  summary: 'search actions, commands, agents or investigators',
  usage: `mig-operator search ${KINDS.join('|')} [--action-id N] [--action-name PATTERN] [--after TIME] [--before TIME] [--agent-id N] [--agent-name PATTERN]
    [--agent-version PATTERN] [--command-id N] [--status PATTERN] [--target TARGET] [--threat-family PATTERN] [--investigator-id N]
    [--investigator-name PATTERN] [--found-anything true|false] [--limit N] [--offset N]   (patterns are ILIKE: % matches anything)`,
  async run({ args, clients, json, out }) {
    const { values, positionals } = parseArgs({ args, options: OPTIONS, allowPositionals: true });
    const kind = positionals[0] as (typeof KINDS)[number];
    if (positionals.length !== 1 || !KINDS.includes(kind)) throw new UsageError(`say what to search: one of ${KINDS.join(', ')}`);
    const filter = filterFrom(values);
    const search = clients().search;
    if (kind === 'actions') {
      const { actions } = await search.searchActions({ filter });
      return out(json ? renderJson(actions) : renderTable(['id', 'name', 'status', 'validfrom', 'investigators', 'sent', 'done'], actions.map((a) => [a.id, a.name, a.status, a.validfrom?.toISOString() ?? '', a.investigators.map((i) => i.name).join(', '), a.counters?.sent ?? 0, a.counters?.done ?? 0])));
    }
    if (kind === 'commands') {
      const { commands } = await search.searchCommands({ filter });
      return out(json ? renderJson(commands) : renderTable(['id', 'action', 'agent', 'status', 'starttime'], commands.map((c) => [c.id, c.action?.name ?? c.actionId, c.agent?.name ?? c.agentId, c.status, c.starttime?.toISOString() ?? ''])));
    }
    if (kind === 'agents') {
      const { agents } = await search.searchAgents({ filter });
      return out(json ? renderJson(agents) : renderTable(['id', 'name', 'queueloc', 'version', 'status', 'heartbeat'], agents.map((a) => [a.id, a.name, a.queueloc, a.version, a.status, a.heartbeattime?.toISOString() ?? ''])));
    }
    const { investigators } = await search.searchInvestigators({ filter });
    out(json ? renderJson(investigators) : renderTable(['id', 'name', 'pgpfingerprint', 'status'], investigators.map((i) => [i.id, i.name, i.pgpfingerprint, i.status])));
  },
};

function filterFrom(values: Partial<Record<keyof typeof OPTIONS, string>>): SearchFilter {
  const id = (flag: keyof typeof OPTIONS) => {
    const text = values[flag];
    if (text === undefined) return undefined;
    if (!/^\d+$/.test(text)) throw new UsageError(`--${flag} must be a number, got "${text}"`);
    return Number(text);
  };
  const time = (flag: 'after' | 'before') => {
    const text = values[flag];
    if (text === undefined) return undefined;
    const date = new Date(text);
    if (Number.isNaN(date.getTime())) throw new UsageError(`--${flag} must be a time such as 2026-11-28T10:00:00Z, got "${text}"`);
    return date;
  };
  const found = values['found-anything'];
  if (found !== undefined && found !== 'true' && found !== 'false') throw new UsageError(`--found-anything must be true or false, got "${found}"`);
  const count = (flag: 'limit' | 'offset') => {
    const value = Number(values[flag]);
    if (!Number.isInteger(value) || value < 0) throw new UsageError(`--${flag} must be a whole number, got "${values[flag]}"`);
    return value;
  };
  return {
    actionId: id('action-id'),
    actionName: values['action-name'],
    after: time('after'),
    before: time('before'),
    agentId: id('agent-id'),
    agentName: values['agent-name'],
    agentVersion: values['agent-version'],
    commandId: id('command-id'),
    status: values.status,
    target: values.target,
    threatFamily: values['threat-family'],
    investigatorId: id('investigator-id'),
    investigatorName: values['investigator-name'],
    foundanything: found === undefined ? undefined : found === 'true',
    limit: count('limit'),
    offset: count('offset'),
  };
}
