import type { AgentRow } from '../entities/agent.entity';

/** The agents columns in entity order, qualified so that they read the same inside joins and targets. */
export const AGENT_COLUMNS = [
  'id', 'name', 'queueloc', 'mode', 'version', 'pid', 'starttime', 'destructiontime', 'heartbeattime', 'refreshtime', 'status', 'environment',
  'tags', 'loadername',
]
  .map((column) => `agents.${column}`)
  .join(', ');

/** A row of hand-written SQL over AGENT_COLUMNS as the entity gives it (pg returns numeric ids as strings). */
export function agentRowFrom(raw: Record<string, unknown>): AgentRow {
  return { ...(raw as unknown as AgentRow), id: Number(raw.id) };
}
