/**
 * How agent rows fold into mig_data_endpoints, in one place for the triggers, the recompute and
 * the backfill: per (queueloc, name) the two agents seen last (their ids and heartbeats: a queue
 * whose second-latest heartbeat is in a window runs two agents in it) and the latest start.
 * `rows` is a relation of agents rows (a transition table, agents itself, a filtered subquery).
 */
export function summariseAgents(rows: string, where = 'true'): string {
  return `
    SELECT queueloc, name,
           (array_agg(id ORDER BY heartbeattime DESC, id DESC))[1] AS last_agent,
           max(heartbeattime) AS last_heartbeat,
           (array_agg(id ORDER BY heartbeattime DESC, id DESC))[2] AS prev_agent,
           (array_agg(heartbeattime ORDER BY heartbeattime DESC, id DESC))[2] AS prev_heartbeat,
           max(starttime) AS last_start
    FROM ${rows} WHERE ${where}
    GROUP BY queueloc, name ORDER BY queueloc, name`;
}

/**
 * Upserts summaries (columns as summariseAgents gives them) into mig_data_endpoints, merging with
 * what is there: the two latest of both (mig_data_endpoints_top2), the later start. Exact when
 * heartbeats only move forward, which is every writer's case but a clock set back (the triggers
 * recompute those endpoints from agents).
 */
export function upsertSummaries(summaries: string): string {
  return `
    INSERT INTO mig_data_endpoints AS e (queueloc, name, last_agent, last_heartbeat, prev_agent, prev_heartbeat, last_start)
    ${summaries}
    ON CONFLICT (queueloc, name) DO UPDATE
      SET (last_agent, last_heartbeat, prev_agent, prev_heartbeat) = (
            SELECT * FROM mig_data_endpoints_top2(e.last_agent, e.last_heartbeat, e.prev_agent, e.prev_heartbeat,
                                                  EXCLUDED.last_agent, EXCLUDED.last_heartbeat, EXCLUDED.prev_agent, EXCLUDED.prev_heartbeat)),
          last_start = GREATEST(e.last_start, EXCLUDED.last_start)`;
}
