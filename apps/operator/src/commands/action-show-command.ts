import { allPages, type DataServiceClients } from '@mig-data/client';
import type { Action, Investigator } from '@mig-data/contract';
import { parseId } from '../args/options';
import { renderJson, renderTable } from '../output/table';
import { UsageError, type OperatorCommand } from '../operator-command';

/** One action: its fields, the investigators whose signatures were verified, its command counters. */
export const actionShowCommand: OperatorCommand = {
  name: 'action show',
  summary: 'one action: its fields, operations, signers and command counters',
  usage: 'mig-operator action show ACTION_ID',
  async run({ args, clients, json, out }) {
    if (args.length !== 1) throw new UsageError('give one action id');
    const id = parseId(args[0], 'action');
    // Compressed operations are shown decompressed beside what was signed.
    const [{ action }, signers] = await Promise.all([clients().actions.getAction({ id, decompressParameters: true }), actionSigners(clients(), id)]);
    out(json ? renderJson({ action, signers }) : renderAction(action!, signers));
  },
};

/** Every investigator whose signature on the action was verified (a few; paged all the same). */
async function actionSigners(clients: DataServiceClients, actionId: number): Promise<Investigator[]> {
  return allPages((pageToken) => clients.investigators.listActionInvestigators({ actionId, pageSize: 1000, pageToken }), (page) => page.investigators);
}

function renderAction(action: Action, signers: Investigator[]): string {
  const time = (value?: Date) => value?.toISOString() ?? '-';
  const counters = action.counters;
  return [
    `id:           ${action.id}`,
    `name:         ${action.name}`,
    `status:       ${action.status}`,
    `target:       ${action.target}`,
    `author:       ${[action.description?.author, action.description?.email && `<${action.description.email}>`].filter(Boolean).join(' ') || '-'}`,
    `threat:       ${[action.threat?.level, action.threat?.family, action.threat?.type, action.threat?.ref].filter(Boolean).join(' / ') || '-'}`,
    `validfrom:    ${time(action.validfrom)}`,
    `expireafter:  ${time(action.expireafter)}`,
    `starttime:    ${time(action.starttime)}`,
    `finishtime:   ${time(action.finishtime)}`,
    `lastupdate:   ${time(action.lastupdatetime)}`,
    `counters:     sent ${counters?.sent ?? 0}, inflight ${counters?.inflight ?? 0}, done ${counters?.done ?? 0} (success ${counters?.success ?? 0}, failed ${counters?.failed ?? 0}, expired ${counters?.expired ?? 0}, cancelled ${counters?.cancelled ?? 0}, timeout ${counters?.timeout ?? 0})`,
    'operations:',
    ...action.operations.map((operation) => `  ${operation.module}${operation.isCompressed ? ' (compressed)' : ''}: ${JSON.stringify(operation.isCompressed ? operation.decompressedParameters : operation.parameters)}`),
    'signers:',
    renderTable(['id', 'name', 'pgpfingerprint', 'status'], signers.map((s) => [s.id, s.name, s.pgpfingerprint, s.status])),
  ].join('\n');
}
