import { join } from 'node:path';
import { actionFileFromMessage, type DataServiceClients } from '@mig-data/client';
import { ACTION_STATES, actionFileName, COMMAND_STATES, commandFileName, fileExists, moveFile, placeFile, removeFiles, withItemLock, type SpoolLayout } from '@mig-data/spool';
import { commandActionJson, commandFileContent } from '../daemon/command-file';
import { setAside } from '../daemon/set-aside';
import type { Drift } from './drift-kinds';
import { unlessNotFound } from '../spool-view/not-found';

/** What became of one drift: repaired, gone by itself meanwhile, or left (the action was busy, or the fix failed). */
export type RepairOutcome = { outcome: 'fixed' } | { outcome: 'gone' } | { outcome: 'no-fix' } | { outcome: 'busy' } | { outcome: 'failed'; error: string };

/**
 * Whether a "missing" finding still holds: the row was read after the files were listed, so its
 * file may have been written in between. Other findings cannot appear by the flow's order.
 */
export async function stillDrifting(layout: SpoolLayout, drift: Drift): Promise<boolean> {
  if (drift.kind === 'action-file-missing') return !(await anyExists(ACTION_STATES.map((state) => join(layout.action[state], actionFileName(drift.actionId)))));
  if (drift.kind === 'command-file-missing') return !(await anyExists(COMMAND_STATES.map((state) => join(layout.command[state], commandFileName(drift.actionId, drift.commandId!)))));
  return true;
}

/**
 * Repairs one drift under the action's lock (the one the daemon takes for its own work on the
 * action, so the two never interleave), checking again that it still holds before changing
 * anything: the database and the spool move on while reconcile runs.
 */
export async function repairDrift(layout: SpoolLayout, clients: DataServiceClients, drift: Drift): Promise<RepairOutcome> {
  try {
    const result = await withItemLock(layout, `action-${drift.actionId}`, () => repairLocked(layout, clients, drift));
    return result.ran ? ({ outcome: result.value } as RepairOutcome) : { outcome: 'busy' };
  } catch (error) {
    return { outcome: 'failed', error: (error as Error).message };
  }
}

async function repairLocked(layout: SpoolLayout, clients: DataServiceClients, drift: Drift): Promise<'fixed' | 'gone' | 'no-fix'> {
  const { actionId, commandId } = drift;
  const commandName = commandId === undefined ? '' : commandFileName(actionId, commandId);
  switch (drift.kind) {
    case 'action-without-row':
      return 'no-fix';
    case 'action-file-missing': {
      const action = await unlessNotFound(clients.actions.getAction({ id: actionId }).then((response) => response.action));
      if (!action || !['scheduled', 'preparing', 'inflight'].includes(action.status) || !(await stillDrifting(layout, drift))) return 'gone';
      await placeFile(layout, layout.action.new, actionFileName(actionId), actionFileFromMessage(action));
      return 'fixed';
    }
    case 'action-finished-in-inflight':
      // A finished status is final: no need to read it again.
      return (await moveFile(layout.action.inflight, layout.action.new, actionFileName(actionId))) ? 'fixed' : 'gone';
    case 'command-without-row': {
      if (await unlessNotFound(clients.commands.getCommand({ id: commandId! }))) return 'gone';
      let moved = false;
      for (const state of ['ready', 'inflight', 'returned'] as const) {
        if (await fileExists(join(layout.command[state], commandName))) {
          moved = (await setAside(layout, layout.command[state], layout.command.invalid, commandName, `command ${commandId} of action ${actionId} is not in the database: it can never be recorded (mig-spool reconcile, from command/${state})`)) || moved;
        }
      }
      return moved ? 'fixed' : 'gone';
    }
    case 'command-stale-copy': {
      // A finished command never goes back to prepared or sent; the copies are only leftovers.
      const removed = (await removeFiles(layout.command.ready, [commandName])) + (await removeFiles(layout.command.inflight, [commandName]));
      return removed > 0 ? 'fixed' : 'gone';
    }
    case 'command-result-unrecorded': {
      const command = (await unlessNotFound(clients.commands.getCommand({ id: commandId! })))?.command;
      if (!command || (command.status !== 'prepared' && command.status !== 'sent')) return 'gone';
      return (await moveFile(layout.command.done, layout.command.returned, commandName)) ? 'fixed' : 'gone';
    }
    case 'command-file-missing': {
      const command = (await unlessNotFound(clients.commands.getCommand({ id: commandId! })))?.command;
      if (!command?.action || !command.agent || (command.status !== 'prepared' && command.status !== 'sent') || !(await stillDrifting(layout, drift))) return 'gone';
      const content = commandFileContent(command.id, commandActionJson(command.action), command.agent, command.starttime ?? new Date());
      await placeFile(layout, command.status === 'prepared' ? layout.command.ready : layout.command.inflight, commandName, content);
      return 'fixed';
    }
  }
}

async function anyExists(paths: string[]): Promise<boolean> {
  for (const path of paths) if (await fileExists(path)) return true;
  return false;
}
