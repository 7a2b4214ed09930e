// MIG's statuses, exactly as stored in the status columns (spec/data-model.md "Statuses").

export const AGENT_STATUSES = ['online', 'idle', 'offline', 'upgraded', 'destroyed'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

export const ACTION_STATUSES = ['pending', 'scheduled', 'preparing', 'inflight', 'completed', 'invalid', 'expired', 'cancelled'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];
/** Statuses after which an action never runs again: no new commands, no status change. */
export const FINAL_ACTION_STATUSES: readonly ActionStatus[] = ['completed', 'invalid', 'expired', 'cancelled'];

// `prepared` is ours, not MIG's: MIG inserts a command as `sent` at the moment it publishes it, so
// its database never holds a command that is written but not yet delivered. Here commands are
// created in the database before the spool writes them to command/ready, and MarkCommandSent
// records the move to command/inflight (spec/spool.md, flow step 3); without `prepared` the
// database could not tell a command waiting in ready from one delivered (transitions.ts).
export const COMMAND_STATUSES = ['prepared', 'sent', 'success', 'failed', 'expired', 'cancelled', 'timeout'] as const;
export type CommandStatus = (typeof COMMAND_STATUSES)[number];
/** The statuses a returned command can finish with. */
export const FINAL_COMMAND_STATUSES: readonly CommandStatus[] = ['success', 'failed', 'expired', 'cancelled', 'timeout'];
/** Commands not returned yet: the action's `inflight` counter, and what FinishAction waits for. */
export const IN_FLIGHT_COMMAND_STATUSES: readonly CommandStatus[] = ['prepared', 'sent'];

export const INVESTIGATOR_STATUSES = ['active', 'disabled'] as const;
export type InvestigatorStatus = (typeof INVESTIGATOR_STATUSES)[number];

export function isOneOf<T extends string>(allowed: readonly T[], value: string): value is T {
  return (allowed as readonly string[]).includes(value);
}
