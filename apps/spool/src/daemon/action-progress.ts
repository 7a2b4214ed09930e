import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { actionFileFromMessage, actionMessageFromFile } from '@mig-data/client';
import type { Action } from '@mig-data/contract';
import { actionFileName, fileExists, placeFile, placeFiles, readSpoolFile, removeFiles, type SpoolFile } from '@mig-data/spool';
import { commandIdOf, expiredCommandContent } from './command-file';
import type { DaemonContext } from './daemon-context';
import { describeFailure, hasCode } from './service-errors';
import { setAside } from './set-aside';

/** When an action expires, from its file in action/inflight, else from the database; remembered. */
const expiries = new Map<number, Date>();

export async function expiryOf(context: DaemonContext, actionId: number): Promise<Date | undefined> {
  const known = expiries.get(actionId);
  if (known) return known;
  let expireafter: Date | undefined;
  const read = await readSpoolFile(join(context.layout.action.inflight, actionFileName(actionId)), context.settings.maxFileBytes);
  try {
    expireafter = read.ok ? actionMessageFromFile(read.json).expireafter : undefined;
  } catch {
    expireafter = undefined;
  }
  if (!expireafter) {
    try {
      expireafter = (await context.clients.actions.getAction({ id: actionId })).action?.expireafter;
    } catch (error) {
      if (!hasCode(error, status.NOT_FOUND)) throw error;
    }
  }
  if (expireafter) expiries.set(actionId, expireafter);
  return expireafter;
}

/**
 * Flow step 6 (the caller holds the action's lock): once the action's expireafter has passed,
 * each of its commands still in command/ready or command/inflight is returned by the spool itself
 * as `expired` (placed in command/returned, then removed from where it waited), unless an answer
 * is already there. The returned files are then recorded like any other.
 */
export async function expireCommands(context: DaemonContext, actionId: number, waiting: Array<{ state: 'ready' | 'inflight'; name: string }>): Promise<string[]> {
  const { layout } = context;
  const expireafter = await expiryOf(context, actionId);
  const now = context.now();
  if (!expireafter || expireafter > now || waiting.length === 0) return [];
  const files: SpoolFile[] = [];
  const from: Record<'ready' | 'inflight', string[]> = { ready: [], inflight: [] };
  for (const { state, name } of waiting) {
    // Answered already (or expired by a run that died before removing this copy): only the waiting copy goes.
    if ((await fileExists(join(layout.command.returned, name))) || (await fileExists(join(layout.command.done, name)))) {
      from[state].push(name);
      continue;
    }
    const read = await readSpoolFile(join(layout.command[state], name), context.settings.maxFileBytes);
    if (!read.ok && read.problem === 'missing') continue; // the relay moved it: seen in inflight next time
    // An unreadable waiting file still names its command: it is expired from its name alone.
    const original = read.ok ? read.json : { id: commandIdOf(name), agent: { queueloc: '', pid: 0 } };
    files.push({ name, content: expiredCommandContent(original, now) });
    from[state].push(name);
  }
  await placeFiles(layout, layout.command.returned, files);
  await Promise.all([removeFiles(layout.command.ready, from.ready), removeFiles(layout.command.inflight, from.inflight)]);
  if (files.length > 0) context.log.info('commands expired', { actionId, expired: files.length, expireafter: expireafter.toISOString() });
  return files.map((file) => file.name);
}

/**
 * Flow step 5 (the caller holds the action's lock): the counters recomputed by the service; an
 * inflight action whose commands are all done is finished (FinishAction: completed, finish time)
 * and its file, rewritten with its final status and counters, moves to action/done. A repeat
 * after a crash between the steps finds the action completed and only moves the file.
 */
export async function completeIfDone(context: DaemonContext, actionId: number): Promise<void> {
  const { clients, layout, log } = context;
  const name = actionFileName(actionId);
  let action: Action | undefined;
  try {
    action = (await clients.actions.getAction({ id: actionId })).action;
    if (action?.status === 'inflight' && action.counters && action.counters.sent > 0 && action.counters.done >= action.counters.sent) {
      action = (await clients.actions.finishAction({ id: actionId, finishtime: undefined, force: false })).action;
    }
  } catch (error) {
    // FAILED_PRECONDITION: a command is still in flight after all (created meanwhile); next time.
    if (!hasCode(error, status.FAILED_PRECONDITION) && !hasCode(error, status.NOT_FOUND)) log.warn('action completion waits for a retry', { actionId, error: describeFailure(error) });
    return;
  }
  if (!action || !(await fileExists(join(layout.action.inflight, name)))) return;
  if (action.status === 'completed') {
    await placeFile(layout, layout.action.done, name, actionFileFromMessage(action));
    await removeFiles(layout.action.inflight, [name]);
    expiries.delete(actionId);
    log.info('action done', { actionId, ...action.counters });
  } else if (action.status === 'cancelled' || action.status === 'invalid' || action.status === 'expired') {
    if (await setAside(layout, layout.action.inflight, layout.action.invalid, name, `the database says this action is ${action.status}`, context.now())) {
      log.warn('action invalid', { actionId, reason: `the database says ${action.status}` });
    }
  }
}
