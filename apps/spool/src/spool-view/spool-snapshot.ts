import { ACTION_STATES, COMMAND_STATES, listWorkFiles, parseWorkFileName, type ActionState, type CommandState, type SpoolLayout } from '@mig-data/spool';

/** A place in the spool, as people write it: `action/inflight`, `command/ready`. */
export type SpoolPlace = `action/${ActionState}` | `command/${CommandState}`;

/** The directory of a place, from the layout (the one place that builds spool paths). */
export function placeDirectory(layout: SpoolLayout, place: SpoolPlace): string {
  const [kind, state] = place.split('/');
  return kind === 'action' ? layout.action[state as ActionState] : layout.command[state as CommandState];
}

/** Every work file of a spool, indexed by the ids in their names (files without ids, such as actions dropped by hand in action/new, are the daemon's to name). */
export interface SpoolSnapshot {
  /** Action id → the action directories holding `<id>.json`. */
  actions: Map<number, ActionState[]>;
  /** Action id → command id → the command directories holding `<actionid>-<commandid>.json`. */
  commands: Map<number, Map<number, CommandState[]>>;
}

/**
 * Lists every state directory once, in flow order (ready before inflight before returned before
 * done): a file that moves on while the listing runs moves to a directory not listed yet, so it is
 * seen once, never missed.
 */
export async function readSpoolSnapshot(layout: SpoolLayout): Promise<SpoolSnapshot> {
  const snapshot: SpoolSnapshot = { actions: new Map(), commands: new Map() };
  for (const state of ACTION_STATES) {
    for (const name of await listWorkFiles(layout.action[state])) {
      const parsed = parseWorkFileName(name);
      if (parsed?.kind === 'action') snapshot.actions.set(parsed.actionId, [...(snapshot.actions.get(parsed.actionId) ?? []), state]);
    }
  }
  for (const state of COMMAND_STATES) {
    for (const name of await listWorkFiles(layout.command[state])) {
      const parsed = parseWorkFileName(name);
      if (parsed?.kind !== 'command') continue;
      const byCommand = snapshot.commands.get(parsed.actionId) ?? new Map<number, CommandState[]>();
      byCommand.set(parsed.commandId, [...(byCommand.get(parsed.commandId) ?? []), state]);
      snapshot.commands.set(parsed.actionId, byCommand);
    }
  }
  return snapshot;
}

/** How many of an action's command files each command directory holds. */
export function commandCounts(snapshot: SpoolSnapshot, actionId: number): Partial<Record<CommandState, number>> {
  const counts: Partial<Record<CommandState, number>> = {};
  for (const states of snapshot.commands.get(actionId)?.values() ?? []) for (const state of states) counts[state] = (counts[state] ?? 0) + 1;
  return counts;
}
