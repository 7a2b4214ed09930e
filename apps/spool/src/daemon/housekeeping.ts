import { lstat, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { actionFileFromMessage } from '@mig-data/client';
import { actionFileName, fileExists, fsyncDirectory, placeFile, sweepStaleLocks, TEMPORARY_PREFIX } from '@mig-data/spool';
import type { DaemonContext } from './daemon-context';

/** A temporary older than this was left by a writer that died (a live one renames it within seconds). */
const TEMPORARY_LEFTOVER_MS = 3_600_000;
/** A scheduled action without a file for this long was claimed by a process that died before writing it. */
const ORPHAN_GRACE_MS = 30_000;

/**
 * Flow step 7: files of action/done, action/invalid, command/done and command/invalid (reasons
 * included) whose last change (the rename that put them there) is older than deleteafter are
 * removed; their database rows stay. Also sweeps this spool's temporaries and lock files left by
 * dead processes. Returns how many files were removed.
 */
export async function removeOldFiles(context: DaemonContext): Promise<number> {
  const { layout } = context;
  const now = context.now().getTime();
  let removed = 0;
  const sweep = async (directory: string, isOld: (name: string, changed: number) => boolean) => {
    let removedHere = 0;
    for (const name of await readdir(directory).catch(() => [] as string[])) {
      try {
        const info = await lstat(join(directory, name));
        if (!info.isFile() || !isOld(name, Math.max(info.ctimeMs, info.mtimeMs))) continue;
        await unlink(join(directory, name));
        removedHere++;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    if (removedHere > 0) await fsyncDirectory(directory);
    removed += removedHere;
  };
  const olderThanDeleteAfter = (name: string, changed: number) => !name.startsWith('.') && now - changed > context.settings.deleteAfterMs;
  for (const directory of [layout.action.done, layout.action.invalid, layout.command.done, layout.command.invalid]) await sweep(directory, olderThanDeleteAfter);
  await sweep(layout.tmp, (name, changed) => name.startsWith(TEMPORARY_PREFIX) && now - changed > TEMPORARY_LEFTOVER_MS);
  await sweepStaleLocks(layout);
  if (removed > 0) context.log.info('old files removed', { removed, deleteAfterMs: context.settings.deleteAfterMs });
  return removed;
}

/**
 * Actions claimed (scheduled) by a spool process that died before writing their file: found in
 * the database, written to action/new. Two processes writing the same action write the same name,
 * and the action's lock lets one take it, so a repeat is harmless.
 */
export async function recoverScheduledActions(context: DaemonContext): Promise<number> {
  const { clients, layout, log } = context;
  let recovered = 0;
  let pageToken = '';
  do {
    const page = await clients.actions.listActions({ status: 'scheduled', pageSize: 1000, pageToken });
    for (const action of page.actions) {
      const name = actionFileName(action.id);
      if (context.now().getTime() - (action.lastupdatetime?.getTime() ?? 0) < ORPHAN_GRACE_MS) continue;
      const present = await Promise.all(Object.values(layout.action).map((directory) => fileExists(join(directory, name))));
      if (present.some(Boolean)) continue;
      await placeFile(layout, layout.action.new, name, actionFileFromMessage(action));
      log.info('action recovered', { actionId: action.id, reason: 'scheduled in the database without a spool file' });
      recovered++;
    }
    pageToken = page.nextPageToken;
  } while (pageToken);
  return recovered;
}

/** Flow step 2's other door: pending actions created through the service, claimed (one claimer each) and written to action/new. */
export async function claimPendingActions(context: DaemonContext, limit = 100): Promise<number> {
  const { actions } = await context.clients.actions.claimPendingActions({ limit });
  for (const action of actions) {
    await placeFile(context.layout, context.layout.action.new, actionFileName(action.id), actionFileFromMessage(action));
    context.log.info('action claimed', { actionId: action.id, name: action.name });
  }
  return actions.length;
}
