// MIG's statuses, exactly as stored in the status columns (spec/data-model.md "Statuses").

export const AGENT_STATUSES = ['online', 'idle', 'offline', 'upgraded', 'destroyed'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

export const ACTION_STATUSES = ['pending', 'scheduled', 'preparing', 'inflight', 'completed', 'invalid', 'expired', 'cancelled'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];
/** Statuses after which an action never runs again: no new commands, no status change. */
export const FINAL_ACTION_STATUSES: readonly ActionStatus[] = ['completed', 'invalid', 'expired', 'cancelled'];

export const COMMAND_STATUSES = ['sent', 'success', 'failed', 'expired', 'cancelled', 'timeout'] as const;
export type CommandStatus = (typeof COMMAND_STATUSES)[number];
/** The statuses a returned command can finish with. */
export const FINAL_COMMAND_STATUSES: readonly CommandStatus[] = ['success', 'failed', 'expired', 'cancelled', 'timeout'];

export const INVESTIGATOR_STATUSES = ['active', 'disabled'] as const;
export type InvestigatorStatus = (typeof INVESTIGATOR_STATUSES)[number];

export function isOneOf<T extends string>(allowed: readonly T[], value: string): value is T {
  return (allowed as readonly string[]).includes(value);
}
