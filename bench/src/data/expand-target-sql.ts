/** The columns of an expanded agent: what ExpandTarget sends by default (environment and tags left out), or only its identity. */
export const EXPANDED_COLUMNS = {
  agents: 'id, name, queueloc, mode, version, pid, status, starttime, destructiontime, heartbeattime',
  identities: 'id, queueloc',
} as const;

/**
 * Target expansion written by hand (spec/operations.md): online or idle agents matching the
 * target, one per queueloc (the latest heartbeat), by queueloc; the agents' identity and state as
 * a scheduler needs them to create commands, or (`identities`) only id and queueloc.
 */
export function expandTargetSql(target: string, columns: keyof typeof EXPANDED_COLUMNS = 'agents'): string {
  return `SELECT DISTINCT ON (queueloc) ${EXPANDED_COLUMNS[columns]}
FROM agents WHERE status IN ('online', 'idle') AND (${target})
ORDER BY queueloc, heartbeattime DESC, id DESC;`;
}
