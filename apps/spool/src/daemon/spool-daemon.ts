import { watch, type FSWatcher } from 'node:fs';
import { inParallel, listWorkFiles, parseWorkFileName, withItemLock } from '@mig-data/spool';
import { completeIfDone, expireCommands } from './action-progress';
import type { DaemonContext } from './daemon-context';
import { claimPendingActions, recoverScheduledActions, removeOldFiles } from './housekeeping';
import { recordReturned } from './record-returned';
import { recordSent } from './record-sent';
import { describeFailure } from './service-errors';
import { setAside } from './set-aside';
import { takeNewAction } from './take-new-action';

/** Actions worked on at once (each under its own lock). */
const PARALLEL_ACTIONS = 4;
/** A failure repeated pass after pass is logged at most this often. */
const REPEATED_FAILURE_LOG_MS = 60_000;

/**
 * The daemon: passes over the spool, each doing whatever work the directories hold (see
 * spec/spool.md; the crash-safety argument is in the README and in each step's comment). A pass
 * starts at once when a file-system event says a directory changed, and at the latest after the
 * rescan interval, so a missed event delays work by one interval and loses nothing. Expiry,
 * completion checks, cleanup and recovery run every periodic interval. No step throws out of a
 * pass: one bad file or one failed call is logged and the rest of the work goes on.
 */
export class SpoolDaemon {
  private wake?: () => void;
  private again = false;
  private watchers: FSWatcher[] = [];
  private lastPeriodic = 0;
  private readonly lastLogged = new Map<string, number>();

  constructor(private readonly context: DaemonContext) {}

  /** Runs until `signal` aborts, then returns after the pass under way. */
  async run(signal: AbortSignal): Promise<void> {
    const { layout, settings, log } = this.context;
    for (const directory of [layout.action.new, layout.command.inflight, layout.command.returned]) {
      try {
        this.watchers.push(watch(directory, () => this.notice()).on('error', (error) => log.warn('file-system events lost, the rescan interval still applies', { directory, error: error.message })));
      } catch (error) {
        log.warn('no file-system events, the rescan interval applies', { directory, error: (error as Error).message });
      }
    }
    signal.addEventListener('abort', () => this.notice());
    try {
      while (!signal.aborted) {
        this.again = false;
        // A directory unreadable for a moment (permissions changed, a disk error) fails the pass, not the daemon.
        await this.step('passing over the spool', () => this.pass(signal));
        if (Date.now() - this.lastPeriodic >= settings.periodicMs && !signal.aborted) {
          this.lastPeriodic = Date.now();
          await this.step('the periodic round', () => this.periodic(signal));
        }
        if (!this.again && !signal.aborted) await this.sleep(settings.rescanMs);
      }
    } finally {
      for (const watcher of this.watchers) watcher.close();
    }
  }

  /** One pass over the spool: claims, new actions, returned and sent commands. */
  async pass(signal?: AbortSignal): Promise<void> {
    const { layout } = this.context;
    await this.step('claiming pending actions', () => claimPendingActions(this.context));
    // Several at once (each under its own lock): one at a time, a backlog of new actions made every
    // returned command wait behind all of it (the crash test's 200 dropped actions took minutes).
    await inParallel(await listWorkFiles(layout.action.new), PARALLEL_ACTIONS, async (name) => {
      if (signal?.aborted) return;
      await this.step('taking a new action', () => takeNewAction(this.context, name), { file: name });
    });
    if (signal?.aborted) return;
    const returned = await this.byAction(layout.command.returned, true);
    const inflight = await this.byAction(layout.command.inflight, false);
    const actions = [...new Set([...returned.keys(), ...inflight.keys()])];
    await inParallel(actions, PARALLEL_ACTIONS, async (actionId) => {
      if (signal?.aborted) return;
      await this.step('recording commands', () =>
        withItemLock(layout, `action-${actionId}`, async () => {
          const recorded = await recordReturned(this.context, actionId, returned.get(actionId) ?? []);
          const done = new Set(returned.get(actionId) ?? []);
          await recordSent(this.context, actionId, (inflight.get(actionId) ?? []).filter((name) => !done.has(name)));
          if (recorded > 0) await completeIfDone(this.context, actionId);
        }),
      { actionId });
    });
  }

  /** Expiry and completion of every action with work in the spool, cleanup, recovery of orphaned claims. */
  async periodic(signal?: AbortSignal): Promise<void> {
    const { layout } = this.context;
    const waiting = new Map<number, Array<{ state: 'ready' | 'inflight'; name: string }>>();
    for (const state of ['ready', 'inflight'] as const) {
      for (const name of await listWorkFiles(layout.command[state])) {
        const parsed = parseWorkFileName(name);
        if (parsed?.kind === 'command') waiting.set(parsed.actionId, [...(waiting.get(parsed.actionId) ?? []), { state, name }]);
      }
    }
    for (const name of await listWorkFiles(layout.action.inflight)) {
      const parsed = parseWorkFileName(name);
      if (parsed?.kind === 'action' && !waiting.has(parsed.actionId)) waiting.set(parsed.actionId, []);
    }
    await inParallel([...waiting.keys()], PARALLEL_ACTIONS, async (actionId) => {
      if (signal?.aborted) return;
      await this.step('expiring and completing', () =>
        withItemLock(layout, `action-${actionId}`, async () => {
          const expired = await expireCommands(this.context, actionId, waiting.get(actionId)!);
          if (expired.length > 0) await recordReturned(this.context, actionId, expired);
          await completeIfDone(this.context, actionId);
        }),
      { actionId });
    });
    await this.step('recovering claimed actions', () => recoverScheduledActions(this.context));
    await this.step('removing old files', () => removeOldFiles(this.context));
  }

  /** Commands of a state directory grouped by action; in returned, names that are no command are set aside. */
  private async byAction(directory: string, setAsideOthers: boolean): Promise<Map<number, string[]>> {
    const grouped = new Map<number, string[]>();
    for (const name of await listWorkFiles(directory)) {
      const parsed = parseWorkFileName(name);
      if (parsed?.kind === 'command') grouped.set(parsed.actionId, [...(grouped.get(parsed.actionId) ?? []), name]);
      else if (setAsideOthers) {
        const { layout, log } = this.context;
        if (await setAside(layout, directory, layout.command.invalid, name, 'is not named <actionid>-<commandid>.json, so it names no command', this.context.now())) {
          log.warn('returned command invalid', { file: name, reason: 'not a command file name' });
        }
      }
    }
    return grouped;
  }

  /** Runs one step; a failure is logged with what was being done and the pass goes on. */
  private async step(doing: string, work: () => Promise<unknown>, fields: Record<string, unknown> = {}): Promise<void> {
    try {
      await work();
    } catch (error) {
      // The same failure every pass (the service is down) is logged once a minute, not every rescan.
      const failure = describeFailure(error);
      const key = `${doing}\u0000${failure}`;
      if (Date.now() - (this.lastLogged.get(key) ?? 0) < REPEATED_FAILURE_LOG_MS) return;
      if (this.lastLogged.size > 1000) this.lastLogged.clear();
      this.lastLogged.set(key, Date.now());
      this.context.log.error('spool step failed, retried next pass', { doing, ...fields, error: failure });
    }
  }

  private notice(): void {
    this.again = true;
    this.wake?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
