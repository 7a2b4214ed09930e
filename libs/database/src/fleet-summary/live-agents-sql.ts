/**
 * How agent rows fold into mig_data_live_agents, in one place for the triggers and the backfill:
 * the agents MIG counts as alive (status online or idle), with what the statistics group them by.
 * `rows` is a relation of agents rows (a transition table, agents itself, a filtered subquery).
 * Written in id order, so two writers never take the same rows in opposite orders; an id already
 * there takes the new values (the row that moved there is the one agents holds now).
 */
export function upsertLiveAgents(rows: string, where = 'true'): string {
  return `
    INSERT INTO mig_data_live_agents AS l (id, queueloc, version, status)
    SELECT id, queueloc, version, status FROM ${rows} WHERE status IN ('online', 'idle') AND ${where}
    ORDER BY id
    ON CONFLICT (id) DO UPDATE SET queueloc = EXCLUDED.queueloc, version = EXCLUDED.version, status = EXCLUDED.status`;
}
