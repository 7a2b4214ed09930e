import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { inParallel, mayStillBeWritten, moveFiles, readSpoolFile, removeFiles } from '@mig-data/spool';
import { commandIdOf, readReturnedCommand } from './command-file';
import type { DaemonContext } from './daemon-context';
import { describeFailure, hasCode, refusalReason } from './service-errors';
import { setAside } from './set-aside';

/**
 * Flow step 4 for one action's returned commands (the caller holds the action's lock): each
 * result recorded with FinishCommand, then the file moved to command/done and its copies in
 * command/inflight (and command/ready, when the agent answered before the relay's move) removed.
 * The database is told first: a crash before the move repeats FinishCommand, which never
 * overwrites a success and records the same answer again otherwise, so a result delivered twice
 * counts once. Returns how many were recorded.
 */
export async function recordReturned(context: DaemonContext, actionId: number, names: string[]): Promise<number> {
  const { clients, layout, log } = context;
  const recorded: string[] = [];
  await inParallel(names, context.callsInFlight, async (name) => {
    const commandId = commandIdOf(name);
    const read = await readSpoolFile(join(layout.command.returned, name), context.settings.maxFileBytes);
    if (!read.ok) {
      if (read.problem !== 'missing' && !mayStillBeWritten(read)) await setAsideCommand(context, actionId, name, read.reason);
      return;
    }
    const returned = readReturnedCommand(read.json);
    if (typeof returned === 'string') return void (await setAsideCommand(context, actionId, name, `is not a returned MIG command: ${returned}`));
    if (returned.id !== undefined && returned.id !== commandId) return void (await setAsideCommand(context, actionId, name, `names command ${returned.id} inside, not ${commandId} as its file name says`));
    // An expiry is no agent's answer: the spool writes it (the agent may be gone), the service records it without the agent check.
    const agent = returned.status === 'expired' ? { agentQueueloc: '', agentPid: 0 } : { agentQueueloc: returned.agentQueueloc, agentPid: returned.agentPid };
    try {
      await clients.commands.finishCommand({ id: commandId, status: returned.status, results: returned.results, finishtime: returned.finishtime, ...agent });
      recorded.push(name);
    } catch (error) {
      const refused = refusalReason(error);
      if (refused && !hasCode(error, status.ALREADY_EXISTS)) await setAsideCommand(context, actionId, name, refused);
      else log.warn('returned command waits for a retry', { actionId, commandId, error: describeFailure(error) });
    }
  });
  if (recorded.length === 0) return 0;
  await moveFiles(layout.command.returned, layout.command.done, recorded.map((name) => ({ name })));
  await Promise.all([removeFiles(layout.command.inflight, recorded), removeFiles(layout.command.ready, recorded)]);
  for (const name of recorded) context.recordedSent.delete(commandIdOf(name));
  log.info('commands returned', { actionId, recorded: recorded.length });
  return recorded.length;
}

async function setAsideCommand(context: DaemonContext, actionId: number, name: string, reason: string): Promise<void> {
  if (await setAside(context.layout, context.layout.command.returned, context.layout.command.invalid, name, reason, context.now())) {
    context.log.warn('returned command invalid', { actionId, file: name, reason });
  }
}
