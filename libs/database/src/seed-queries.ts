// MIG's operator queries (the seed document, MIG's data page, §2.2, §2.3) verbatim, §2.2's lost first line
// restored as the seed's note gives it: what the fleet RPCs must answer alike, and what the bench
// times the service against.

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

/** A seed query with NOW() bound to its first parameter, so that it answers as of a given instant (the fleet's, the service's clock). */
export function seedQueryAt(seedSql: string): string {
  return seedSql.replace(/NOW\(\)/g, '$1::timestamptz');
}
