import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Action, Command } from '@mig-data/contract';
import { actionFileName, commandFileName, reasonFileName, type SpoolLayout } from '@mig-data/spool';
import { UsageError, type SpoolCommand } from '../spool-command';
import { unlessNotFound } from '../spool-view/not-found';
import { existingSpool } from '../spool-view/existing-spool';
import { commandCounts, placeDirectory, readSpoolSnapshot, type SpoolPlace } from '../spool-view/spool-snapshot';

interface FileReport {
  path: string;
  place: SpoolPlace;
  /** For a file set aside in an invalid directory: why, from the reason file beside it. */
  reason?: string;
}

/**
 * Where an action or a command is in the spool and what the database says about it. ID is an
 * action id, a command id, or a command file's name (`<actionid>-<commandid>[.json]`); a bare
 * number is looked up as both, since a file name is all some people have.
 */
export const inspectCommand: SpoolCommand = {
  name: 'inspect',
  summary: 'where an action or command is in the spool, and what the database says about it',
  usage: 'mig-spool [settings] [--json] inspect ACTION_ID|COMMAND_ID|ACTIONID-COMMANDID[.json]',
  async run({ args, settings, clients, json, out }) {
    const match = args.length === 1 ? /^(\d+)(?:-(\d+))?(?:\.json)?$/.exec(args[0]) : null;
    if (!match) throw new UsageError('give one action id, command id or command file name');
    const [first, second] = [Number(match[1]), match[2] === undefined ? undefined : Number(match[2])];
    const layout = await existingSpool(settings);
    const snapshot = await readSpoolSnapshot(layout);
    const actionId = second === undefined ? first : undefined;
    const commandId = second ?? first;

    const report: { action?: unknown; command?: unknown } = {};
    if (actionId !== undefined) {
      const database = await unlessNotFound(clients().actions.getAction({ id: actionId }).then((response) => response.action));
      const files = await withReasons(layout, (snapshot.actions.get(actionId) ?? []).map((state) => ({ place: `action/${state}` as const, name: actionFileName(actionId) })));
      if (database || files.length > 0 || snapshot.commands.has(actionId)) report.action = { id: actionId, files, commandFiles: commandCounts(snapshot, actionId), database: database ?? null };
    }
    const database = await unlessNotFound(clients().commands.getCommand({ id: commandId }).then((response) => response.command));
    const owner = second !== undefined ? first : (database?.actionId ?? [...snapshot.commands].find(([, commands]) => commands.has(commandId))?.[0]);
    const places = owner === undefined ? [] : (snapshot.commands.get(owner)?.get(commandId) ?? []).map((state) => ({ place: `command/${state}` as const, name: commandFileName(owner, commandId) }));
    const files = await withReasons(layout, places);
    if (database || files.length > 0) report.command = { id: commandId, actionId: owner ?? null, files, database: database ?? null };

    if (!report.action && !report.command) throw new Error(`${args[0]} is neither in the spool nor in the database`);
    if (json) {
      out(JSON.stringify(report, null, 2));
      return;
    }
    const lines: string[] = [];
    if (report.action) lines.push(...describeAction(report.action as ActionReport));
    if (report.command) lines.push(...describeCommand(report.command as CommandReport));
    out(lines.join('\n'));
  },
};

interface ActionReport {
  id: number;
  files: FileReport[];
  commandFiles: Record<string, number>;
  database: Action | null;
}

interface CommandReport {
  id: number;
  actionId: number | null;
  files: FileReport[];
  database: Command | null;
}

function describeAction({ id, files, commandFiles, database }: ActionReport): string[] {
  const counters = database?.counters;
  return [
    `action ${id}${database ? ` "${database.name}"` : ''}`,
    `  spool:     ${describeFiles(files)}`,
    `  commands:  ${Object.entries(commandFiles).map(([state, count]) => `${count} in command/${state}`).join(', ') || 'no command files'}`,
    database
      ? `  database:  ${database.status}, valid from ${database.validfrom?.toISOString()} until ${database.expireafter?.toISOString()}; sent ${counters?.sent ?? 0}, inflight ${counters?.inflight ?? 0}, done ${counters?.done ?? 0} (success ${counters?.success ?? 0})`
      : '  database:  no such action',
  ];
}

function describeCommand({ id, actionId, files, database }: CommandReport): string[] {
  return [
    `command ${id}${actionId === null ? '' : ` of action ${actionId}`}${database?.agent ? ` for agent ${database.agent.id} ${database.agent.name} (${database.agent.queueloc})` : ''}`,
    `  spool:     ${describeFiles(files)}`,
    database ? `  database:  ${database.status}${database.finishtime ? `, finished ${database.finishtime.toISOString()}` : ''}, ${database.results.length} result(s)` : '  database:  no such command',
  ];
}

function describeFiles(files: FileReport[]): string {
  if (files.length === 0) return 'no file';
  return files.map((file) => `${file.path}${file.reason ? ` (set aside: ${file.reason})` : ''}`).join('; ') + (files.length > 1 ? ' (in more than one directory)' : '');
}

async function withReasons(layout: SpoolLayout, places: Array<{ place: SpoolPlace; name: string }>): Promise<FileReport[]> {
  return Promise.all(
    places.map(async ({ place, name }) => {
      const path = join(placeDirectory(layout, place), name);
      if (!place.endsWith('/invalid')) return { path, place };
      const reason = await readFile(join(placeDirectory(layout, place), reasonFileName(name)), 'utf8').catch(() => 'no reason file');
      return { path, place, reason: reason.trim().split('\n').slice(1).join(' ') || reason.trim() };
    }),
  );
}
