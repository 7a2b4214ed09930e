import { allPages, type DataServiceClients } from '@mig-data/client';
import type { Action, Command } from '@mig-data/contract';
import { inParallel, type CommandState } from '@mig-data/spool';
import { unlessNotFound } from '../spool-view/not-found';
import type { SpoolSnapshot } from '../spool-view/spool-snapshot';
import type { Drift } from './drift-kinds';

/** Actions compared at once. */
const PARALLEL_ACTIONS = 4;
const OPEN_COMMAND_STATUSES = new Set(['prepared', 'sent']);
/** Statuses whose action must have a file the daemon works on. */
const ACTIVE_ACTION_STATUSES = ['scheduled', 'preparing', 'inflight'] as const;
const FINISHED_ACTION_STATUSES = new Set(['completed', 'cancelled', 'expired', 'invalid']);

export interface DriftReport {
  drift: Drift[];
  checked: { actions: number; commands: number };
}

/**
 * Compares a snapshot of the spool (read first) with what the database says now. Files are listed
 * before the database is read, and the database always records an action or command before its
 * file is written, so a file seen without a row really has none. The other way round, a row read
 * after the listing may have got its file since: `findDrift`'s caller confirms "missing" findings
 * against the file system again before acting (see reconcile-command.ts).
 */
export async function findDrift(clients: DataServiceClients, snapshot: SpoolSnapshot): Promise<DriftReport> {
  const actionIds = new Set<number>([...snapshot.commands.keys()]);
  for (const [id, states] of snapshot.actions) if (states.some((state) => state !== 'new' && state !== 'invalid')) actionIds.add(id);
  for (const status of ACTIVE_ACTION_STATUSES) for (const action of await allActions(clients, status)) actionIds.add(action.id);

  const drift: Drift[] = [];
  let commandsChecked = 0;
  await inParallel([...actionIds].sort((a, b) => a - b), PARALLEL_ACTIONS, async (actionId) => {
    const action = await unlessNotFound(clients.actions.getAction({ id: actionId }).then((response) => response.action));
    const actionStates = snapshot.actions.get(actionId) ?? [];
    const commandFiles = snapshot.commands.get(actionId) ?? new Map<number, CommandState[]>();
    if (!action) {
      if (actionStates.some((state) => state === 'inflight' || state === 'done')) drift.push({ kind: 'action-without-row', actionId, detail: `file in action/${actionStates.join(', action/')}` });
      for (const [commandId, states] of commandFiles) reportRowless(drift, actionId, commandId, states);
      return;
    }
    if (ACTIVE_ACTION_STATUSES.includes(action.status as (typeof ACTIVE_ACTION_STATUSES)[number]) && actionStates.length === 0) {
      drift.push({ kind: 'action-file-missing', actionId, detail: `the database says ${action.status}` });
    }
    if (FINISHED_ACTION_STATUSES.has(action.status) && actionStates.includes('inflight')) {
      drift.push({ kind: 'action-finished-in-inflight', actionId, detail: `the database says ${action.status}` });
    }
    // A preparing action's commands are still being created (or will be, when the daemon resumes it).
    if (commandFiles.size === 0 && action.status !== 'inflight') return;
    const rows = await allCommands(clients, actionId);
    commandsChecked += rows.length;
    const known = new Set<number>();
    for (const row of rows) {
      known.add(row.id);
      const states = commandFiles.get(row.id) ?? [];
      if (OPEN_COMMAND_STATUSES.has(row.status)) {
        if (states.length === 0 && action.status === 'inflight') drift.push({ kind: 'command-file-missing', actionId, commandId: row.id, detail: `the database says ${row.status}` });
        else if (states.length > 0 && states.every((state) => state === 'done')) drift.push({ kind: 'command-result-unrecorded', actionId, commandId: row.id, detail: `the database says ${row.status}, the answer is in command/done` });
      } else if (!states.includes('returned')) {
        const copies = states.filter((state) => state === 'ready' || state === 'inflight');
        if (copies.length > 0) drift.push({ kind: 'command-stale-copy', actionId, commandId: row.id, detail: `the database says ${row.status}, a copy waits in command/${copies.join(', command/')}` });
      }
    }
    for (const [commandId, states] of commandFiles) if (!known.has(commandId)) reportRowless(drift, actionId, commandId, states);
  });
  drift.sort((a, b) => a.actionId - b.actionId || (a.commandId ?? 0) - (b.commandId ?? 0) || a.kind.localeCompare(b.kind));
  return { drift, checked: { actions: actionIds.size, commands: commandsChecked } };
}

function reportRowless(drift: Drift[], actionId: number, commandId: number, states: CommandState[]): void {
  const waiting = states.filter((state) => state === 'ready' || state === 'inflight' || state === 'returned');
  if (waiting.length > 0) drift.push({ kind: 'command-without-row', actionId, commandId, detail: `file in command/${waiting.join(', command/')}` });
}

async function allActions(clients: DataServiceClients, status: string): Promise<Action[]> {
  return allPages((pageToken) => clients.actions.listActions({ status, pageSize: 1000, pageToken }), (page) => page.actions);
}

/** Every command of an action, 10,000 a page (the service's largest). */
export async function allCommands(clients: DataServiceClients, actionId: number): Promise<Command[]> {
  return allPages((pageToken) => clients.commands.listCommands({ actionId, status: undefined, pageSize: 10_000, pageToken }), (page) => page.commands);
}
