import { parseArgs } from 'node:util';
import { allPages } from '@mig-data/client';
import { parseDuration } from '../args/options';
import { renderJson, renderTable } from '../output/table';
import type { OperatorCommand } from '../operator-command';

/** Seed §2.3 "Finding double agents": the count and the endpoint's queue, largest first. */
export const doubleAgentsCommand: OperatorCommand = {
  name: 'double-agents',
  summary: 'endpoints with several agents heartbeating in the last 10 minutes (seed §2.3)',
  usage: 'mig-operator double-agents [--window 10m]',
  async run({ args, clients, json, out }) {
    const { values } = parseArgs({ args, options: { window: { type: 'string' } } });
    const window = parseDuration(values.window, '--window');
    const doubleAgents = await allPages((pageToken) => clients().fleet.listDoubleAgents({ window, pageSize: 100_000, pageToken }), (page) => page.doubleAgents);
    // The service pages by queueloc (a count can change between pages); the seed's table is largest first.
    doubleAgents.sort((a, b) => b.count - a.count || (a.queueloc < b.queueloc ? -1 : a.queueloc > b.queueloc ? 1 : 0));
    out(json ? renderJson(doubleAgents) : renderTable(['count', 'queueloc'], doubleAgents.map((d) => [d.count, d.queueloc])));
  },
};
