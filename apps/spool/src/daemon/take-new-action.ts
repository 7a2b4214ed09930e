import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { actionMessageFromFile } from '@mig-data/client';
import type { Action } from '@mig-data/contract';
import { actionFileName, fileExists, mayStillBeWritten, moveFile, parseWorkFileName, placeFile, readSpoolFile, withItemLock, type ItemLock } from '@mig-data/spool';
import { newActionId } from './action-ids';
import type { DaemonContext } from './daemon-context';
import { fanOut } from './fan-out';
import { describeFailure, hasCode, refusalReason } from './service-errors';
import { setAside } from './set-aside';

/** What became of one file of action/new in this pass. */
export type NewActionOutcome = 'inflight' | 'done' | 'invalid' | 'waiting' | 'busy' | 'gone' | 'retry';

/**
 * Takes one file of action/new through flow steps 1 and 2 of spec/spool.md. Every step is
 * repeatable after a crash, which is what makes the whole repeatable:
 * - a file without an id is rewritten with one (tmp + rename over itself) before anything is
 *   recorded, then renamed `<id>.json`; a repeat finds the id in the file;
 * - the database decides where a repeat resumes: no row → CreateAction (status preparing, the
 *   file's id kept); a row with other signatures → not this action (set aside); pending/scheduled →
 *   moved on to preparing; preparing → the fan-out again (idempotent, see fan-out.ts); inflight,
 *   completed, invalid… → the file goes where the row says;
 * - all of it under the action's lock, so two daemons never take the same action together.
 */
export async function takeNewAction(context: DaemonContext, name: string): Promise<NewActionOutcome> {
  const { layout } = context;
  const named = parseWorkFileName(name);
  if (!named) return 'gone';
  if (named.kind === 'command') return setAsideAction(context, name, 'is named like a command (<actionid>-<commandid>.json): commands go to command/returned, not action/new');
  const lockKey = named.kind === 'action' ? `action-${named.actionId}` : `new-${createHash('sha256').update(name).digest('hex').slice(0, 24)}`;
  const result = await withItemLock(layout, lockKey, async (lock) => {
    const read = await readSpoolFile(join(layout.action.new, name), context.settings.maxFileBytes);
    if (mayStillBeWritten(read)) return 'waiting';
    if (!read.ok) return read.problem === 'missing' ? 'gone' : setAsideAction(context, name, read.reason);
    let message: Action;
    try {
      message = actionMessageFromFile(read.json);
    } catch (error) {
      return setAsideAction(context, name, `is not a MIG action: ${(error as Error).message}`);
    }
    const now = context.now();
    if (!message.validfrom || !message.expireafter) return setAsideAction(context, name, 'has no validfrom or expireafter: sign it (mig-operator sign) before handing it in');
    if (message.validfrom > now) return 'waiting';
    // Expired before it was ever named: no row can exist, and the person finds it under the name they gave it.
    if (!message.id && message.expireafter <= now) return setAsideAction(context, name, `expired at ${message.expireafter.toISOString()} before it was taken`);
    if (named.kind === 'unnamed' || message.id !== named.actionId) {
      return nameActionFile(context, name, read.json as Record<string, unknown>, message);
    }
    return takeNamedAction(context, lock, name, message);
  });
  return result.ran ? result.value : 'busy';
}

/**
 * Gives a dropped file its id: its content rewritten with the id (kept by a rename over the same
 * name, so a crash leaves either the old file or the named one), then renamed `<id>.json`. The
 * next pass takes it under the action's lock.
 */
async function nameActionFile(context: DaemonContext, name: string, json: Record<string, unknown>, message: Action): Promise<NewActionOutcome> {
  const { layout } = context;
  const id = message.id || newActionId(context.now());
  const target = actionFileName(id);
  if (!message.id) await placeFile(layout, layout.action.new, name, JSON.stringify({ ...json, id }, null, 4) + '\n');
  if (name !== target && (await fileExists(join(layout.action.new, target)))) {
    return setAsideAction(context, name, `another file in action/new already holds action ${id} (${target}): the same action handed in twice?`);
  }
  if (!(await moveFile(layout.action.new, layout.action.new, name, target))) return 'gone';
  context.log.info('action named', { actionId: id, file: name });
  return takeNewAction(context, target);
}

async function takeNamedAction(context: DaemonContext, lock: ItemLock, name: string, message: Action): Promise<NewActionOutcome> {
  const { clients, log } = context;
  const id = message.id;
  const expired = message.expireafter! <= context.now();
  let stored: Action | undefined;
  try {
    stored = (await clients.actions.getAction({ id })).action;
  } catch (error) {
    if (!hasCode(error, status.NOT_FOUND)) return retry(context, id, 'reading the action', error);
  }
  if (!stored) {
    if (expired) return setAsideAction(context, name, `expired at ${message.expireafter!.toISOString()} before it was taken`, id);
    if (!(await lock.stillHeld())) return 'busy';
    try {
      stored = (await clients.actions.createAction({ action: { ...message, status: 'preparing' } })).action!;
      log.info('action preparing', { actionId: id, name: stored.name, target: stored.target });
    } catch (error) {
      const refused = refusalReason(error);
      if (refused && !hasCode(error, status.ALREADY_EXISTS)) return setAsideAction(context, name, refused, id);
      return retry(context, id, 'recording the action', error);
    }
  } else if (!sameSignatures(stored, message)) {
    return setAsideAction(context, name, `action id ${id} is already taken in the database by another action ("${stored.name}"): hand the file in without an id`);
  }
  let current = stored.status;
  try {
    if (current === 'pending') current = (await clients.actions.updateActionStatus({ id, status: 'scheduled' })).action!.status;
    if (current === 'scheduled' || current === 'preparing') {
      if (expired) {
        await clients.actions.updateActionStatus({ id, status: 'invalid' });
        return setAsideAction(context, name, `expired at ${message.expireafter!.toISOString()} before its commands were created`, id);
      }
      if (current === 'scheduled') {
        current = (await clients.actions.updateActionStatus({ id, status: 'preparing' })).action!.status;
        log.info('action preparing', { actionId: id, name: stored.name, target: stored.target });
      }
    }
  } catch (error) {
    // FAILED_PRECONDITION: another process moved it meanwhile; the next pass reads where it is.
    return retry(context, id, 'moving the action to preparing', error);
  }
  if (current === 'preparing') {
    const outcome = await fanOut(context, lock, stored);
    if (outcome.kind === 'no-agents') {
      await clients.actions.updateActionStatus({ id, status: 'invalid' }).catch(() => undefined);
      return setAsideAction(context, name, `its target matches no online or idle agent: ${stored.target}`, id);
    }
    if (outcome.kind === 'refused') return setAsideAction(context, name, outcome.reason, id);
    if (outcome.kind !== 'done') return outcome.kind === 'lost-lock' ? 'busy' : retry(context, id, 'creating the commands', outcome.error);
    current = 'inflight';
  }
  return placeByStatus(context, name, id, current);
}

/** Moves an action file to the directory its database status says (inflight, done or invalid). */
async function placeByStatus(context: DaemonContext, name: string, id: number, current: string): Promise<NewActionOutcome> {
  const { layout, log } = context;
  if (current === 'inflight') {
    if (await moveFile(layout.action.new, layout.action.inflight, name)) log.info('action inflight', { actionId: id });
    return 'inflight';
  }
  if (current === 'completed') {
    await moveFile(layout.action.new, layout.action.done, name);
    log.info('action done', { actionId: id, status: current });
    return 'done';
  }
  return setAsideAction(context, name, `the database says this action is ${current}`, id);
}

async function setAsideAction(context: DaemonContext, name: string, reason: string, actionId?: number): Promise<NewActionOutcome> {
  if (!(await setAside(context.layout, context.layout.action.new, context.layout.action.invalid, name, reason, context.now()))) return 'gone';
  context.log.warn('action invalid', { ...(actionId ? { actionId } : {}), file: name, reason });
  return 'invalid';
}

function retry(context: DaemonContext, actionId: number, doing: string, error: unknown): NewActionOutcome {
  context.log.warn('action waits for a retry', { actionId, doing, error: describeFailure(error) });
  return 'retry';
}

/** Whether the stored action is the file's: signatures are unique to what was signed. */
function sameSignatures(stored: Action, file: Action): boolean {
  return stored.pgpsignatures.length === file.pgpsignatures.length && stored.pgpsignatures.every((signature, index) => signature === file.pgpsignatures[index]);
}

