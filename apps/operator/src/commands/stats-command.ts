import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { AgentsStats } from '@mig-data/contract';
import type { DataServiceClients } from '@mig-data/client';
import { parseCount, parseDuration } from '../args/options';
import { renderJson, renderTable } from '../output/table';
import { UsageError, type OperatorCommand } from '../operator-command';
import { fleetStatsChart } from '../plot/fleet-stats-chart';
import { timeSeriesSvg } from '../plot/time-series-svg';

const DEFAULT_PLOT_WINDOW = '7d';
/** The largest page ListAgentsStats serves. */
const PLOT_PAGE_SIZE = 1000;

/** The fleet statistics: the latest snapshots, (--now) a snapshot taken and stored now, or (--plot) a chart of them over time. */
export const statsCommand: OperatorCommand = {
  name: 'stats',
  summary: 'fleet statistics: the latest snapshots, --now to take one, --plot FILE.svg to draw them over time',
  usage: `mig-operator stats [--limit N] [--now]
mig-operator stats --plot FILE.svg [--since ${DEFAULT_PLOT_WINDOW}] [--now]
  --plot FILE.svg   draw online agents and endpoints, idle, new and flapping endpoints over time
                    from every snapshot of the last --since (default ${DEFAULT_PLOT_WINDOW}), as an SVG image`,
  async run({ args, clients, json, out }) {
    const { values } = parseArgs({ args, options: { limit: { type: 'string' }, now: { type: 'boolean', default: false }, plot: { type: 'string' }, since: { type: 'string' } } });
    if (values.plot !== undefined) {
      if (values.limit !== undefined) throw new UsageError('--limit is for the table; with --plot, --since says how far back the chart goes');
      if (!values.plot.trim()) throw new UsageError('--plot needs the file to write, e.g. --plot fleet.svg');
      if (values.now) await clients().fleet.createAgentsStats({});
      return out(await plotStats(clients(), values.plot, values.since ?? DEFAULT_PLOT_WINDOW));
    }
    if (values.since !== undefined) throw new UsageError('--since goes with --plot FILE.svg');
    const limit = parseCount(values.limit ?? '10', '--limit');
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

/** Reads every snapshot of the window (newest first, page by page, stopping at the first older one), draws them, writes the file; says what it drew. */
async function plotStats(clients: DataServiceClients, file: string, window: string): Promise<string> {
  const duration = parseDuration(window, '--since')!;
  const since = Date.now() - (duration.seconds * 1000 + duration.nanos / 1e6);
  const snapshots: AgentsStats[] = [];
  let pageToken = '';
  do {
    const page = await clients.fleet.listAgentsStats({ pageSize: PLOT_PAGE_SIZE, pageToken });
    const inWindow = page.stats.filter((snapshot) => (snapshot.timestamp?.getTime() ?? -Infinity) >= since);
    snapshots.push(...inWindow);
    pageToken = inWindow.length < page.stats.length ? '' : page.nextPageToken;
  } while (pageToken);
  if (snapshots.length === 0) {
    throw new Error(`no statistics snapshot in the last ${window}: the service takes one every MIG_DATA_AGENTS_STATS_JOB_INTERVAL_MS (5 minutes by default; 0 turns it off); take one now with --now, or look further back with --since`);
  }
  await writeFile(file, timeSeriesSvg(fleetStatsChart(snapshots, window)));
  return `${file}: ${snapshots.length.toLocaleString('en-US')} snapshot${snapshots.length === 1 ? '' : 's'} drawn`;
}

function versions(snapshot: AgentsStats): string {
  const rows = [
    ...snapshot.onlineAgentsByVersion.map((v): Array<string | number> => ['online', v.version, v.count]),
    ...snapshot.idleAgentsByVersion.map((v): Array<string | number> => ['idle', v.version, v.count]),
  ];
  return renderTable(['status', 'version', 'count'], rows);
}
