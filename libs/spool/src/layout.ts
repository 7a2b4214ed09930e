import { mkdir, chmod, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** MIG's action states, in flow order (new → inflight → done, or → invalid). */
export const ACTION_STATES = ['new', 'inflight', 'done', 'invalid'] as const;
export type ActionState = (typeof ACTION_STATES)[number];

/**
 * MIG's command states, in flow order, then `invalid`: returned files that cannot be recorded
 * (not JSON, wrong agent, unknown status) are set aside there with their reason beside them, never
 * retried forever. `invalid` is this spool's addition to MIG's layout; MIG's own processes ignore it.
 */
export const COMMAND_STATES = ['ready', 'inflight', 'returned', 'done', 'invalid'] as const;
export type CommandState = (typeof COMMAND_STATES)[number];

/** Directories 0750 and files 0640, as MIG's scheduler made them. */
export const SPOOL_DIRECTORY_MODE = 0o750;
export const SPOOL_FILE_MODE = 0o640;

/** Every path of one spool; the only place that builds them. */
export interface SpoolLayout {
  root: string;
  action: Record<ActionState, string>;
  command: Record<CommandState, string>;
  /** Where files are written before their rename into a state directory (same file system). */
  tmp: string;
  /** The per-item lock files shared by every spool process on this host (always inside the spool). */
  locks: string;
}

/** The layout of the spool at `root`; `tmp` defaults to `<root>/tmp`. */
export function spoolLayout(root: string, tmp?: string): SpoolLayout {
  const absolute = resolve(root);
  const state = <S extends string>(kind: string, states: readonly S[]) =>
    Object.fromEntries(states.map((name) => [name, join(absolute, kind, name)])) as Record<S, string>;
  return {
    root: absolute,
    action: state('action', ACTION_STATES),
    command: state('command', COMMAND_STATES),
    tmp: resolve(tmp ?? join(absolute, 'tmp')),
    locks: join(absolute, 'tmp', 'locks'),
  };
}

/** Every directory of the layout, parents first. */
export function layoutDirectories(layout: SpoolLayout): string[] {
  return [
    layout.root,
    join(layout.root, 'action'),
    ...Object.values(layout.action),
    join(layout.root, 'command'),
    ...Object.values(layout.command),
    join(layout.root, 'tmp'),
    layout.tmp,
    layout.locks,
  ].filter((path, index, all) => all.indexOf(path) === index);
}

/**
 * Creates whatever directory of the layout is missing, 0750 (existing ones are left as they are,
 * so an operator's stricter modes survive), and checks that `tmp` is on the spool's file system:
 * a rename across file systems is a copy, and a reader could see half a file.
 */
export async function ensureSpoolLayout(layout: SpoolLayout): Promise<void> {
  for (const directory of layoutDirectories(layout)) {
    try {
      await mkdir(directory, { mode: SPOOL_DIRECTORY_MODE });
      await chmod(directory, SPOOL_DIRECTORY_MODE); // the umask may have removed bits
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const [spool, tmp] = await Promise.all([stat(layout.action.new), stat(layout.tmp)]);
  if (spool.dev !== tmp.dev) {
    throw new Error(`the tmp directory ${layout.tmp} is on another file system than the spool ${layout.root}: files must be renamed into the spool, not copied; choose a tmp inside the spool`);
  }
}
