import { parseArgs } from 'node:util';
import type { Investigator } from '@mig-data/contract';
import { renderJson, renderTable } from '../output/table';
import { UsageError, type OperatorCommand } from '../operator-command';

/** Investigators as a table (id, name, fingerprint, status, creation) or JSON with their public keys. */
export function renderInvestigators(investigators: Investigator[], json: boolean): string {
  if (json) return renderJson(investigators);
  return renderTable(
    ['id', 'name', 'pgpfingerprint', 'status', 'createdat'],
    investigators.map((i) => [i.id, i.name, i.pgpfingerprint, i.status, i.createdat?.toISOString() ?? '']),
  );
}

export const investigatorsCommand: OperatorCommand = {
  name: 'investigators',
  summary: 'list investigators by id',
  usage: 'mig-operator investigators [--status active|disabled] [--limit N]',
  async run({ args, clients, json, out }) {
    const { values } = parseArgs({ args, options: { status: { type: 'string' }, limit: { type: 'string', default: '100' } } });
    const limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a positive integer, got "${values.limit}"`);
    const { investigators } = await clients().investigators.listInvestigators({ status: values.status, pageSize: limit, pageToken: '' });
    out(renderInvestigators(investigators, json));
  },
};
