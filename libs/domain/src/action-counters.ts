import type { ActionCounters } from './action';
import type { CommandStatus } from './statuses';

/**
 * An action's counters from the number of its commands in each status: sent = all commands,
 * inflight = not returned yet, done = every final status. The action is complete when done == sent.
 * A `prepared` command (ours, not MIG's: see statuses.ts) counts in sent and in inflight, exactly
 * where MIG, which creates commands `sent`, counts it: so sent == done + inflight still holds, and
 * an action is never complete while some of its commands wait in command/ready.
 */
export function countersFromStatusCounts(counts: Partial<Record<CommandStatus, number>>): ActionCounters {
  const of = (status: CommandStatus) => counts[status] ?? 0;
  const done = of('success') + of('cancelled') + of('expired') + of('failed') + of('timeout');
  return {
    sent: done + of('prepared') + of('sent'),
    done,
    inflight: of('prepared') + of('sent'),
    success: of('success'),
    cancelled: of('cancelled'),
    expired: of('expired'),
    failed: of('failed'),
    timeout: of('timeout'),
  };
}

export function isActionComplete(counters: ActionCounters): boolean {
  return counters.sent > 0 && counters.done === counters.sent;
}
