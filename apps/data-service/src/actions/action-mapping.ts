import type { Action as ActionMessage, InvestigatorSummary, Operation as OperationMessage } from '@mig-data/contract';
import { timeOrUnset, type ActionRow } from '@mig-data/database';
import { FailedPreconditionError, InvalidArgumentError, signedOperation, type Action, type ActionCounters, type Operation } from '@mig-data/domain';
import { decompressParameters } from '@mig-data/pgp';

export interface ActionMessageOptions {
  /** Fill decompressed_parameters of compressed operations (the signed parameters stay as they are). */
  decompressParameters?: boolean;
}

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
    operations: message.operations.map(signedOperation),
    pgpsignatures: message.pgpsignatures,
    starttime: message.starttime,
    syntaxversion: message.syntaxversion,
  };
}

export function actionToMessage(row: ActionRow, counters?: ActionCounters, investigators: InvestigatorSummary[] = [], options: ActionMessageOptions = {}): ActionMessage {
  return {
    id: row.id,
    name: row.name,
    target: row.target,
    description: row.description ? { author: '', email: '', url: '', revision: 0, ...row.description } : undefined,
    threat: row.threat ? { ref: '', level: '', family: '', type: '', ...row.threat } : undefined,
    validfrom: row.validfrom,
    expireafter: row.expireafter,
    operations: (row.operations ?? []).map((operation, index) => operationToMessage(operation, options.decompressParameters ? `action ${row.id} operations[${index}]` : undefined)),
    pgpsignatures: row.pgpsignatures ?? [],
    starttime: timeOrUnset(row.starttime),
    finishtime: timeOrUnset(row.finishtime),
    lastupdatetime: timeOrUnset(row.lastupdatetime),
    status: row.status ?? '',
    syntaxversion: row.syntaxversion ?? 0,
    counters: counters ? { ...counters } : undefined,
    investigators,
  };
}

/** An operation as signed; with `decompressAs` (a name for errors), its compressed parameters decompressed beside them. */
function operationToMessage(operation: Operation, decompressAs?: string): OperationMessage {
  return {
    module: operation.module,
    parameters: operation.parameters,
    ...(operation.isCompressed ? { isCompressed: true } : {}),
    ...(operation.wantCompressed ? { wantCompressed: true } : {}),
    ...(decompressAs && operation.isCompressed ? { decompressedParameters: storedDecompressed(operation.parameters, decompressAs) } : {}),
  };
}

/** CreateAction refuses what does not decompress, so a failure here means the stored row was written elsewhere. */
function storedDecompressed(parameters: unknown, name: string): unknown {
  try {
    return decompressParameters(parameters, name);
  } catch (error) {
    if (!(error instanceof InvalidArgumentError)) throw error;
    throw new FailedPreconditionError(`${error.message}; it was stored that way, so read it without decompress_parameters`);
  }
}
