import { actionFileFromMessage } from '@mig-data/client';
import type { Action, Agent } from '@mig-data/contract';

/** Go's zero time, which MIG writes for a time not set yet. */
const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/** The action as every command file of it carries it: compact JSON, status inflight. Made once per fan-out. */
export function commandActionJson(action: Action): string {
  return JSON.stringify(JSON.parse(actionFileFromMessage({ ...action, status: 'inflight' })));
}

/**
 * A command file as MIG's scheduler writes it into command/ready: the command's id, the whole
 * action (its JSON text given once, written into every file as is, so a 100,000-agent fan-out
 * serializes it once), the agent, status `prepared`, no results yet.
 */
export function commandFileContent(commandId: number, actionJson: string, agent: Agent, starttime: Date): string {
  const migAgent = {
    id: agent.id,
    name: agent.name,
    queueloc: agent.queueloc,
    mode: agent.mode,
    version: agent.version,
    pid: agent.pid,
    loadername: agent.loadername,
    starttime: agent.starttime?.toISOString() ?? GO_ZERO_TIME,
    heartbeatts: agent.heartbeattime?.toISOString() ?? GO_ZERO_TIME,
    status: agent.status,
  };
  return `{"id":${commandId},"action":${actionJson},"agent":${JSON.stringify(migAgent)},"status":"prepared","results":null,"starttime":"${starttime.toISOString()}","finishtime":"${GO_ZERO_TIME}"}\n`;
}

/** What the spool needs from a returned command file: the agent's answer and who answered. */
export interface ReturnedCommand {
  status: string;
  results: unknown[];
  finishtime?: Date;
  agentQueueloc: string;
  agentPid: number;
  /** The command id the content names, to check against the file name. */
  id?: number;
}

/** Reads a returned command (MIG's Command JSON with status and results filled in); a string says what is wrong with it. */
export function readReturnedCommand(json: unknown): ReturnedCommand | string {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return 'is not a JSON object';
  const command = json as Record<string, unknown>;
  const agent = command.agent as Record<string, unknown> | undefined;
  if (typeof command.status !== 'string') return 'has no status';
  if (command.results !== undefined && command.results !== null && !Array.isArray(command.results)) return 'results must be an array';
  if (typeof agent !== 'object' || agent === null || typeof agent.queueloc !== 'string' || typeof agent.pid !== 'number') return 'has no agent with queueloc and pid';
  let finishtime: Date | undefined;
  if (typeof command.finishtime === 'string' && command.finishtime !== GO_ZERO_TIME) {
    finishtime = new Date(command.finishtime);
    if (Number.isNaN(finishtime.getTime())) return `finishtime ${JSON.stringify(command.finishtime).slice(0, 64)} is not a time`;
  }
  return {
    status: command.status,
    results: (command.results as unknown[] | null | undefined) ?? [],
    finishtime,
    agentQueueloc: agent.queueloc,
    agentPid: agent.pid,
    id: typeof command.id === 'number' ? command.id : undefined,
  };
}

/** The command file as the spool itself returns it when its action expired before the agent answered. */
export function expiredCommandContent(original: unknown, now: Date): string {
  return JSON.stringify({ ...(original as object), status: 'expired', results: [], finishtime: now.toISOString() }) + '\n';
}

/** The command id of a command file's name (`<actionid>-<commandid>.json`), which the caller listed as one. */
export function commandIdOf(name: string): number {
  return Number(/-(\d+)\.json$/.exec(name)![1]);
}
