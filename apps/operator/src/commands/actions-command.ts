import { parseArgs } from 'node:util';
import type { Action } from '@mig-data/contract';
import { PAGE_OPTIONS, parsePage } from '../args/options';
import { renderPage } from '../output/page';
import { renderTable } from '../output/table';
import type { OperatorCommand } from '../operator-command';

/** Actions as a table: id, name, status, validity, signers and command counts. */
export function renderActions(actions: Action[]): string {
  return renderTable(
    ['id', 'name', 'status', 'validfrom', 'expireafter', 'investigators', 'sent', 'done', 'success'],
    actions.map((a) => [a.id, a.name, a.status, a.validfrom?.toISOString() ?? '', a.expireafter?.toISOString() ?? '', a.investigators.map((i) => i.name).join(', '), a.counters?.sent ?? 0, a.counters?.done ?? 0, a.counters?.success ?? 0]),
  );
}

export const actionsCommand: OperatorCommand = {
  name: 'actions',
  summary: 'list actions, newest first, with their counters',
  usage: 'mig-operator actions [--status pending|scheduled|preparing|inflight|completed|invalid|expired|cancelled] [--limit N] [--page-token TOKEN]',
  async run({ args, clients, json, out }) {
    const { values } = parseArgs({ args, options: { status: { type: 'string' }, ...PAGE_OPTIONS } });
    const { actions, nextPageToken } = await clients().actions.listActions({ status: values.status, ...parsePage(values) });
    const next = `mig-operator actions${values.status ? ` --status ${values.status}` : ''} --limit ${values.limit}`;
    out(renderPage(json, 'actions', actions, nextPageToken, renderActions, next));
  },
};
