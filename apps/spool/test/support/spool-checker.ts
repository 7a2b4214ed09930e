import { readdir, readFile } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import { join } from 'node:path';
import type { Pool } from 'pg';
import type { DataServiceClients } from '@mig-data/client';
import type { AgentAnswer } from './relay-simulator';
import type { TestAgent } from './spool-fixtures';

/** What a test dropped into action/new and where it must end once the spool has settled. */
export interface ExpectedAction {
  /** Unique per test: the checker finds the action by it, in the spool and in the database. */
  name: string;
  /** completed: in action/done, status completed, one finished command per agent; invalid: in action/invalid, no command. */
  outcome: 'completed' | 'invalid';
  /** The agents its target reaches (completed actions). */
  agents?: readonly TestAgent[];
}

export interface SpoolCheckInput {
  spoolDir: string;
  /** Direct SQL on the service's database: the checker reads the rows as they are, not as an RPC shows them. */
  sql: Pool;
  clients: DataServiceClients;
  actions: readonly ExpectedAction[];
  /** What the agents answered, by command id (RelaySimulator.answers). */
  answers: ReadonlyMap<number, AgentAnswer>;
}

export interface SpoolCheck {
  /** Every way the spool and the database disagree with each other or with what was expected; empty when all is right. */
  problems: string[];
  /** Counts for the test's log. */
  actions: number;
  commands: number;
}

const ACTION_STATES = ['new', 'inflight', 'done', 'invalid'] as const;
const COMMAND_STATES = ['ready', 'inflight', 'returned', 'done', 'invalid'] as const;
const FINAL_COMMAND_STATUSES = new Set(['success', 'failed', 'expired', 'cancelled', 'timeout']);

interface SpoolFile {
  state: string;
  name: string;
  content: Record<string, unknown>;
}

/**
 * Checks a settled spool against the database, action by action and command by command:
 * each action is exactly one file in the spool's state directories and one database row (or
 * none, if invalid) whose status agrees with the directory; each command is exactly one file,
 * in command/done, and one row per (action, agent); each row holds what its agent answered;
 * the action's counters add up. Nothing lost, nothing twice, spool = database.
 */
export async function checkSpoolAgainstDatabase(input: SpoolCheckInput): Promise<SpoolCheck> {
  const problems: string[] = [];
  const actionFiles = await readState(input.spoolDir, 'action', ACTION_STATES, problems);
  const commandFiles = await readState(input.spoolDir, 'command', COMMAND_STATES, problems);

  const expectedNames = new Set(input.actions.map((action) => action.name));
  const actionFilesByName = groupBy(actionFiles, (file) => String(file.content.name));
  for (const file of actionFiles) {
    if (!expectedNames.has(String(file.content.name))) problems.push(`action/${file.state}/${file.name}: an action the test never dropped (${JSON.stringify(file.content.name)})`);
    if (file.state === 'new' || file.state === 'inflight') problems.push(`action/${file.state}/${file.name}: still ${file.state} after the spool settled`);
  }
  for (const file of commandFiles) {
    if (file.state !== 'done') problems.push(`command/${file.state}/${file.name}: still ${file.state} after the spool settled`);
  }

  const { rows: actionRows } = await input.sql.query<{ id: string; name: string; status: string; finishtime: Date | null }>(
    'SELECT id, name, status, finishtime FROM actions WHERE name = ANY($1)',
    [[...expectedNames]],
  );
  const rowsByName = groupBy(actionRows, (row) => row.name);
  const actionIds = actionRows.map((row) => row.id);
  const { rows: commandRows } = await input.sql.query<{ id: string; actionid: string; agentid: string; status: string; results: unknown; finishtime: Date | null }>(
    'SELECT id, actionid, agentid, status, results, finishtime FROM commands WHERE actionid = ANY($1::numeric[])',
    [actionIds],
  );
  const commandRowsByAction = groupBy(commandRows, (row) => Number(row.actionid));
  const commandFilesById = groupBy(commandFiles, (file) => commandIdOf(file.name));
  const knownCommandIds = new Set(commandRows.map((row) => Number(row.id)));
  for (const file of commandFiles) {
    if (!knownCommandIds.has(commandIdOf(file.name))) problems.push(`command/${file.state}/${file.name}: no command row of a checked action has this id`);
  }

  for (const expected of input.actions) {
    const label = `action ${JSON.stringify(expected.name)}`;
    const files = actionFilesByName.get(expected.name) ?? [];
    const rows = rowsByName.get(expected.name) ?? [];
    if (files.length !== 1) problems.push(`${label}: ${files.length} files in the spool (${describe(files)}), expected exactly 1`);
    if (rows.length > 1) problems.push(`${label}: ${rows.length} database rows (ids ${rows.map((row) => row.id).join(', ')}), expected at most 1`);
    const file = files[0];
    const row = rows[0];

    if (expected.outcome === 'invalid') {
      if (file && file.state !== 'invalid') problems.push(`${label}: in action/${file.state}, expected action/invalid`);
      if (row && row.status !== 'invalid') problems.push(`${label}: database status ${row.status}, expected invalid (or no row)`);
      if (row && (commandRowsByAction.get(Number(row.id))?.length ?? 0) > 0) problems.push(`${label}: invalid but has commands in the database`);
      continue;
    }

    if (!row) {
      problems.push(`${label}: no database row (lost)`);
      continue;
    }
    const actionId = Number(row.id);
    if (row.status !== 'completed' || !row.finishtime) problems.push(`${label} (${actionId}): database status ${row.status}, finishtime ${row.finishtime?.toISOString() ?? 'unset'}; expected completed with a finish time`);
    if (file && (file.state !== 'done' || file.name !== `${actionId}.json` || Number(file.content.id) !== actionId)) {
      problems.push(`${label} (${actionId}): spool file action/${file.state}/${file.name} with id ${String(file.content.id)}; expected action/done/${actionId}.json`);
    }

    const commands = commandRowsByAction.get(actionId) ?? [];
    const agentIds = commands.map((command) => Number(command.agentid)).sort((a, b) => a - b);
    const expectedAgentIds = (expected.agents ?? []).map((agent) => agent.id).sort((a, b) => a - b);
    if (!isDeepStrictEqual(agentIds, expectedAgentIds)) {
      problems.push(`${label} (${actionId}): commands for agents [${summarize(agentIds)}], expected one for each of [${summarize(expectedAgentIds)}]`);
    }
    const tally: Record<string, number> = {};
    for (const command of commands) {
      const commandId = Number(command.id);
      const commandLabel = `command ${commandId} of action ${actionId}`;
      tally[command.status] = (tally[command.status] ?? 0) + 1;
      const commandFilesOfId = commandFilesById.get(commandId) ?? [];
      if (commandFilesOfId.length !== 1) problems.push(`${commandLabel}: ${commandFilesOfId.length} files in the spool (${describe(commandFilesOfId)}), expected exactly 1`);
      const commandFile = commandFilesOfId[0];
      if (commandFile && (commandFile.state !== 'done' || commandFile.name !== `${actionId}-${commandId}.json`)) {
        problems.push(`${commandLabel}: spool file command/${commandFile.state}/${commandFile.name}, expected command/done/${actionId}-${commandId}.json`);
      }
      if (commandFile && commandFile.content.status !== command.status) problems.push(`${commandLabel}: the file says ${String(commandFile.content.status)}, the database ${command.status}`);
      if (!FINAL_COMMAND_STATUSES.has(command.status) || !command.finishtime) problems.push(`${commandLabel}: database status ${command.status}, expected finished`);
      const answer = input.answers.get(commandId);
      if (!answer) {
        problems.push(`${commandLabel}: no agent ever answered it, yet it is ${command.status}`);
      } else {
        if (command.status !== answer.status) problems.push(`${commandLabel}: database status ${command.status}, the agent answered ${answer.status}`);
        if (!isDeepStrictEqual(command.results, answer.results)) problems.push(`${commandLabel}: database results ${JSON.stringify(command.results).slice(0, 200)} are not what the agent answered ${JSON.stringify(answer.results).slice(0, 200)}`);
      }
    }

    const { action } = await input.clients.actions.getAction({ id: actionId });
    const counters = action?.counters;
    const sent = commands.length;
    const expectedCounters = { sent, done: sent, inflight: 0, success: tally.success ?? 0, failed: tally.failed ?? 0, expired: tally.expired ?? 0, cancelled: tally.cancelled ?? 0, timeout: tally.timeout ?? 0 };
    if (!counters || !isDeepStrictEqual({ ...counters }, expectedCounters)) problems.push(`${label} (${actionId}): counters ${JSON.stringify(counters)}, expected ${JSON.stringify(expectedCounters)}`);
  }
  return { problems, actions: input.actions.length, commands: commandRows.length };
}

/** Every work file (`*.json`, not a dot-file) of one half of the spool, with its JSON; a file that does not parse is a problem. */
async function readState(spoolDir: string, half: string, states: readonly string[], problems: string[]): Promise<SpoolFile[]> {
  const files: SpoolFile[] = [];
  for (const state of states) {
    const directory = join(spoolDir, half, state);
    const names = (await readdir(directory)).filter((name) => name.endsWith('.json') && !name.startsWith('.'));
    for (const name of names) {
      const text = await readFile(join(directory, name), 'utf8');
      try {
        files.push({ state, name, content: JSON.parse(text) as Record<string, unknown> });
      } catch {
        problems.push(`${half}/${state}/${name}: not JSON (a half-written file in a state directory?)`);
      }
    }
  }
  return files;
}

function commandIdOf(name: string): number {
  return Number(/^\d+-(\d+)\.json$/.exec(name)?.[1] ?? NaN);
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

function describe(files: readonly SpoolFile[]): string {
  return files.length === 0 ? 'none' : files.map((file) => `${file.state}/${file.name}`).join(', ');
}

function summarize(ids: readonly number[]): string {
  return ids.length <= 6 ? ids.join(', ') : `${ids.slice(0, 3).join(', ')}, … ${ids.length} in all`;
}
