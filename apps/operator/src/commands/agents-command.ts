import { parseArgs } from 'node:util';
import { renderJson, renderTable } from '../output/table';
import { UsageError, type OperatorCommand } from '../operator-command';

export const agentsCommand: OperatorCommand = {
  name: 'agents',
  summary: 'list agents, newest heartbeat first',
  usage: 'mig-operator agents [--status online|idle|offline|upgraded|destroyed] [--name NAME] [--limit N]',
  async run({ args, clients, json, out }) {
    const { values } = parseArgs({ args, options: { status: { type: 'string' }, name: { type: 'string' }, limit: { type: 'string', default: '100' } } });
    const limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a positive integer, got "${values.limit}"`);
    // SearchAgents answers newest heartbeat first; ListAgents walks by id (oldest first), for complete walks.
    const { agents } = await clients().search.searchAgents({
      filter: { status: values.status, agentName: values.name, limit, offset: 0, after: undefined, before: undefined },
    });
    if (json) return out(renderJson(agents));
    out(renderTable(['id', 'name', 'queueloc', 'version', 'status', 'heartbeat'], agents.map((a) => [a.id, a.name, a.queueloc, a.version, a.status, a.heartbeattime?.toISOString() ?? ''])));
  },
};
