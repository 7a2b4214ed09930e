import { parseArgs } from 'node:util';
import { allPages } from '@mig-data/client';
import { parseDuration } from '../args/options';
import { renderJson, renderTable } from '../output/table';
import type { OperatorCommand } from '../operator-command';

/** Seed §2.2 "Finding offline agents", as one call. */
export const offlineAgentsCommand: OperatorCommand = {
  name: 'offline-agents',
  summary: 'agents seen in the last 30 days but silent for 5 minutes (seed §2.2)',
  usage: 'mig-operator offline-agents [--seen-within 30d] [--silent-for 5m]',
  async run({ args, clients, json, out }) {
    const { values } = parseArgs({ args, options: { 'seen-within': { type: 'string' }, 'silent-for': { type: 'string' } } });
    const seenWithin = parseDuration(values['seen-within'], '--seen-within');
    const silentFor = parseDuration(values['silent-for'], '--silent-for');
    const names = await allPages((pageToken) => clients().fleet.listOfflineAgents({ seenWithin, silentFor, pageSize: 100_000, pageToken }), (page) => page.names);
    out(json ? renderJson(names) : renderTable(['name'], names.map((name) => [name])));
  },
};
