import type { Action as ActionMessage, ActionCounters as ActionCountersMessage, ActionDescription as ActionDescriptionMessage, ActionThreat as ActionThreatMessage } from '@mig-data/contract';
import { formatActionFile, parseActionFile, signedOperation, type ActionCounters, type ActionStatus } from '@mig-data/domain';

/**
 * A MIG action file (its JSON text, or that JSON already parsed) as the gRPC Action message that
 * CreateAction takes: `{ action: actionMessageFromFile(text) }`. The one conversion every caller
 * uses (mig-operator's `action create`, the spool app, tests), so a file means the same wherever
 * it is handed in.
 *
 * Keys are matched as MIG's Go code matches them (parseActionFile). Everything the file says is
 * carried over unchanged, its id too (CreateAction keeps a file's id; 0 or none lets the service
 * assign one), and the operations exactly as signed, so the signatures still verify. Whether the
 * action is valid (times, signatures, target) is the service's answer, not this function's.
 *
 * Throws InvalidArgumentError naming the field (`action.description.revision: must be a number`)
 * when the text is not JSON or a value has a type Go would refuse.
 */
export function actionMessageFromFile(file: string | unknown): ActionMessage {
  const action = parseActionFile(file);
  return {
    id: action.id ?? 0,
    name: action.name,
    target: action.target,
    description: action.description ? { ...NO_DESCRIPTION, ...action.description } : undefined,
    threat: action.threat ? { ...NO_THREAT, ...action.threat } : undefined,
    validfrom: action.validfrom,
    expireafter: action.expireafter,
    operations: action.operations.map(signedOperation),
    pgpsignatures: action.pgpsignatures,
    starttime: action.starttime,
    finishtime: action.finishtime,
    lastupdatetime: action.lastupdatetime,
    status: action.status ?? '',
    syntaxversion: action.syntaxversion,
    counters: action.counters ? { ...NO_COUNTERS, ...action.counters } : undefined,
    investigators: [],
  };
}

/**
 * The reverse: an Action message (as GetAction, ListActions or ClaimPendingActions return it)
 * written as MIG's action file, JSON text with MIG's keys, for the spool and for people.
 * `actionMessageFromFile(actionFileFromMessage(m))` gives back m's fields (not its signers,
 * which no MIG file carries).
 */
export function actionFileFromMessage(message: ActionMessage): string {
  return (
    JSON.stringify(
      formatActionFile({
        id: message.id || undefined,
        name: message.name,
        target: message.target,
        // Every field, as Go writes a struct (an absent description is all empty strings and 0).
        description: message.description ?? NO_DESCRIPTION,
        threat: message.threat ?? NO_THREAT,
        validfrom: message.validfrom,
        expireafter: message.expireafter,
        operations: message.operations.map(signedOperation),
        pgpsignatures: message.pgpsignatures,
        starttime: message.starttime,
        finishtime: message.finishtime,
        lastupdatetime: message.lastupdatetime,
        status: (message.status || undefined) as ActionStatus | undefined,
        syntaxversion: message.syntaxversion,
        counters: message.counters,
      }),
      null,
      4,
    ) + '\n'
  );
}

const NO_DESCRIPTION: ActionDescriptionMessage = { author: '', email: '', url: '', revision: 0 };
const NO_THREAT: ActionThreatMessage = { ref: '', level: '', family: '', type: '' };
const NO_COUNTERS: ActionCounters & ActionCountersMessage = { sent: 0, done: 0, inflight: 0, success: 0, cancelled: 0, expired: 0, failed: 0, timeout: 0 };
