/**
 * Target expansion written by hand (spec/operations.md): online or idle agents matching the
 * target, one per queueloc (the latest heartbeat), by queueloc; the agents' identity, as a
 * scheduler needs to create commands (environment and tags left out, as ExpandTarget's default).
 */
export function expandTargetSql(target: string): string {
  return `SELECT DISTINCT ON (queueloc) id, name, queueloc, mode, version, pid, status, starttime, destructiontime, heartbeattime
FROM agents WHERE status IN ('online', 'idle') AND (${target})
ORDER BY queueloc, heartbeattime DESC, id DESC;`;
}
