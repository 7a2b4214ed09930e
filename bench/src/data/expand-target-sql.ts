// The operator queries of MIG's data page (../shared/seed/mig-data.txt §2.2 and §2.3), verbatim;
// §2.2's first line, lost in the flattened copy, restored from ../shared/seed/NOTE.md. They are
// the raw baselines of the offline- and double-agents scenarios, and what the scale run times.

export const SEED_OFFLINE_AGENTS = `SELECT DISTINCT(name) FROM agents
WHERE name IN (
        SELECT DISTINCT(name) FROM agents
        WHERE heartbeattime >= NOW() - interval '30 days'
) AND name NOT IN (
        SELECT DISTINCT(name) FROM agents
        WHERE heartbeattime >= NOW() - interval '5 minutes'
) ORDER BY name;`;

export const SEED_DOUBLE_AGENTS = `SELECT COUNT(queueloc), queueloc FROM agents
WHERE heartbeattime >= NOW() - INTERVAL '10 minutes'
GROUP BY queueloc HAVING COUNT(queueloc) > 1
ORDER BY count(queueloc) DESC;`;

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
