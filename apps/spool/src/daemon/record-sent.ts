import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { allPages } from '@mig-data/client';
import { fileExists, inParallel, removeFiles } from '@mig-data/spool';
import { commandIdOf } from './command-file';
import type { DaemonContext } from './daemon-context';
import { describeFailure, hasCode } from './service-errors';

/**
 * Flow step 3 for one action (the caller holds its lock): the commands the relay moved to
 * command/inflight recorded as sent. Only those still `prepared` in the database are marked (one
 * ListCommands page per 10,000 commands instead of a call per file, and a second daemon or a
 * restart marks nothing twice); MarkCommandSent on a sent command is a harmless repeat anyway.
 * An inflight copy of a command already in command/done (a crash between the two steps of
 * recording a return) is removed.
 */
export async function recordSent(context: DaemonContext, actionId: number, names: string[]): Promise<number> {
  const { clients, layout, log } = context;
  const unknown = names.filter((name) => !context.recordedSent.has(commandIdOf(name)));
  if (unknown.length === 0) return 0;
  const prepared = await preparedCommands(context, actionId);
  const toMark: number[] = [];
  const leftovers: string[] = [];
  for (const name of unknown) {
    const commandId = commandIdOf(name);
    if (prepared.has(commandId)) toMark.push(commandId);
    else if (await fileExists(join(layout.command.done, name))) leftovers.push(name);
    else context.recordedSent.add(commandId);
  }
  let marked = 0;
  await inParallel(toMark, context.callsInFlight, async (commandId) => {
    try {
      await clients.commands.markCommandSent({ id: commandId });
      marked++;
      context.recordedSent.add(commandId);
    } catch (error) {
      // FAILED_PRECONDITION: it finished meanwhile (its answer came first); nothing to record.
      if (hasCode(error, status.FAILED_PRECONDITION)) context.recordedSent.add(commandId);
      else log.warn('sent command waits for a retry', { actionId, commandId, error: describeFailure(error) });
    }
  });
  if (leftovers.length > 0) await removeFiles(layout.command.inflight, leftovers);
  if (marked > 0) log.info('commands sent', { actionId, marked });
  return marked;
}

async function preparedCommands(context: DaemonContext, actionId: number): Promise<Set<number>> {
  const commands = await allPages((pageToken) => context.clients.commands.listCommands({ actionId, status: 'prepared', pageSize: 10_000, pageToken }), (page) => page.commands);
  return new Set(commands.map((command) => command.id));
}


