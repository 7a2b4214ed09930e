import type { Action as ActionMessage, InvestigatorSummary } from '@mig-data/contract';
import type { ActionRow } from '@mig-data/database';
import type { Action, ActionCounters } from '@mig-data/domain';

/** An action message as the domain sees it. Unset times stay invalid dates for validation to name. */
export function actionFromMessage(message: ActionMessage): Action {
  return {
    id: message.id === 0 ? undefined : message.id,
    name: message.name,
    target: message.target,
    description: message.description ? { ...message.description } : undefined,
    threat: message.threat ? { ...message.threat } : undefined,
    validfrom: message.validfrom ?? new Date(NaN),
    expireafter: message.expireafter ?? new Date(NaN),
    operations: message.operations.map((operation) => ({ module: operation.module, parameters: operation.parameters ?? null })),
    pgpsignatures: message.pgpsignatures,
    starttime: message.starttime,
    syntaxversion: message.syntaxversion,
  };
}

export function actionToMessage(row: ActionRow, counters?: ActionCounters, investigators: InvestigatorSummary[] = []): ActionMessage {
  return {
    id: row.id,
    name: row.name,
    target: row.target,
    description: row.description ? { author: '', email: '', url: '', revision: 0, ...row.description } : undefined,
    threat: row.threat ? { ref: '', level: '', family: '', type: '', ...row.threat } : undefined,
    validfrom: row.validfrom,
    expireafter: row.expireafter,
    operations: (row.operations ?? []).map((operation) => ({ module: operation.module, parameters: operation.parameters })),
    pgpsignatures: row.pgpsignatures ?? [],
    starttime: row.starttime ?? undefined,
    finishtime: row.finishtime ?? undefined,
    lastupdatetime: row.lastupdatetime ?? undefined,
    status: row.status ?? '',
    syntaxversion: row.syntaxversion ?? 0,
    counters: counters ? { ...counters } : undefined,
    investigators,
  };
}
