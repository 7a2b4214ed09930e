import type { ActionCounters } from './action';
import type { CommandStatus } from './statuses';

/**
 * An action's counters from the number of its commands in each status: sent = all commands,
 * inflight = still `sent`, done = every final status. The action is complete when done == sent.
 */
export function countersFromStatusCounts(counts: Partial<Record<CommandStatus, number>>): ActionCounters {
  const of = (status: CommandStatus) => counts[status] ?? 0;
  const done = of('success') + of('cancelled') + of('expired') + of('failed') + of('timeout');
  return {
    sent: done + of('sent'),
    done,
    inflight: of('sent'),
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
