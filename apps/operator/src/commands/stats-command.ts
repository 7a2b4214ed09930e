import { parseArgs } from 'node:util';
import type { AgentsStats } from '@mig-data/contract';
import { parseCount } from '../args/options';
import { renderJson, renderTable } from '../output/table';
import type { OperatorCommand } from '../operator-command';

/** The fleet statistics: the latest snapshots, or (--now) a snapshot taken and stored now. */
export const statsCommand: OperatorCommand = {
  name: 'stats',
  summary: 'fleet statistics: the latest snapshots, or --now to take one',
  usage: 'mig-operator stats [--limit N] [--now]',
  async run({ args, clients, json, out }) {
    const { values } = parseArgs({ args, options: { limit: { type: 'string', default: '10' }, now: { type: 'boolean', default: false } } });
    const limit = parseCount(values.limit!, '--limit');
    const snapshots = values.now
      ? [(await clients().fleet.createAgentsStats({})).stats!]
      : (await clients().fleet.listAgentsStats({ pageSize: limit, pageToken: '' })).stats;
    if (json) return out(renderJson(snapshots));
    const figures = renderTable(
      ['timestamp', 'online agents', 'online endpoints', 'idle agents', 'idle endpoints', 'new endpoints', 'multi-agent endpoints', 'disappeared endpoints', 'flapping endpoints'],
      snapshots.map((s) => [s.timestamp?.toISOString() ?? '', s.onlineAgents, s.onlineEndpoints, s.idleAgents, s.idleEndpoints, s.newEndpoints, s.multiAgentsEndpoints, s.disappearedEndpoints, s.flappingEndpoints]),
    );
    out(snapshots.length === 0 ? figures : `${figures}\n\nAgents by version in the latest snapshot\n${versions(snapshots[0])}`);
  },
};

function versions(snapshot: AgentsStats): string {
  const rows = [
    ...snapshot.onlineAgentsByVersion.map((v): Array<string | number> => ['online', v.version, v.count]),
    ...snapshot.idleAgentsByVersion.map((v): Array<string | number> => ['idle', v.version, v.count]),
  ];
  return renderTable(['status', 'version', 'count'], rows);
}
