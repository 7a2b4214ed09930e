import { status } from '@grpc/grpc-js';
import type { Action, Agent } from '@mig-data/contract';
import { commandFileName, fileExists, placeFiles, type ItemLock, type SpoolFile } from '@mig-data/spool';
import { join } from 'node:path';
import { commandActionJson, commandFileContent } from './command-file';
import { createCommandChunk } from './create-command-chunk';
import type { DaemonContext } from './daemon-context';
import { hasCode, refusalReason } from './service-errors';
import { agentsOfTarget } from './target-agents';

export type FanOutOutcome =
  | { kind: 'done'; commands: number }
  | { kind: 'no-agents' }
  | { kind: 'refused'; reason: string }
  | { kind: 'lost-lock' }
  | { kind: 'failed'; error: unknown };

/**
 * Flow step 2: the action's target expanded, one command per agent created in the database and
 * written to command/ready, chunk by chunk (memory stays one chunk of agents and files), then the
 * action set inflight in the database. The caller holds the action's lock.
 *
 * Repeatable after a crash at any point: CreateCommands returns the existing command of an agent
 * instead of a second one, so a repeat names the same files. A file is written to command/ready
 * only when no state directory holds it yet, checked in flow order (ready, inflight, returned,
 * done, invalid): a file moving forward meanwhile (the relay renaming ready → inflight, an agent's
 * answer landing in returned) can only move to a directory checked after the one it left, so it
 * is found, and never written to ready a second time after it moved on. Moves out of returned
 * happen only under this action's lock, which this process holds.
 */
export async function fanOut(context: DaemonContext, lock: ItemLock, action: Action): Promise<FanOutOutcome> {
  const { clients, layout, log } = context;
  const id = action.id;
  // The action as the command files carry it, serialized once for all of them.
  const actionJson = commandActionJson(action);
  const starttime = context.now();
  let total = 0;
  let written = 0;
  try {
    for await (const agents of agentsOfTarget(clients, action.target, context.fanOutChunk)) {
      if (!(await lock.stillHeld())) return { kind: 'lost-lock' };
      const byId = new Map<number, Agent>(agents.map((agent) => [agent.id, agent]));
      const { commands, allNew } = await createCommandChunk(clients, id, [...byId.keys()]);
      const files: SpoolFile[] = [];
      for (const command of commands) {
        const name = commandFileName(id, command.commandId);
        if (!allNew && (await inAnyCommandState(context, name))) continue;
        files.push({ name, content: commandFileContent(command.commandId, actionJson, byId.get(command.agentId)!, starttime) });
      }
      await placeFiles(layout, layout.command.ready, files);
      total += commands.length;
      written += files.length;
      log.info('commands ready', { actionId: id, written: files.length, total });
    }
    if (total === 0) return { kind: 'no-agents' };
    if (!(await lock.stillHeld())) return { kind: 'lost-lock' };
    await clients.actions.updateActionStatus({ id, status: 'inflight' });
    log.info('action fanned out', { actionId: id, commands: total, written });
    return { kind: 'done', commands: total };
  } catch (error) {
    // INVALID_ARGUMENT from ExpandTarget: a target PostgreSQL refuses; FAILED_PRECONDITION from
    // CreateCommands: the action was cancelled meanwhile. Neither gets better by repeating.
    const refused = hasCode(error, status.FAILED_PRECONDITION) || hasCode(error, status.INVALID_ARGUMENT) ? refusalReason(error) : undefined;
    return refused ? { kind: 'refused', reason: refused } : { kind: 'failed', error };
  }
}

const FLOW_ORDER = ['ready', 'inflight', 'returned', 'done', 'invalid'] as const;

/** Whether a command file is in any command state directory, looked for in flow order (see fanOut). */
export async function inAnyCommandState(context: DaemonContext, name: string): Promise<boolean> {
  for (const state of FLOW_ORDER) if (await fileExists(join(context.layout.command[state], name))) return true;
  return false;
}
