import type { Pool } from 'pg';

/**
 * How far ahead of the clock a round puts the fleet's latest heartbeat: its live agents then stay
 * "seen in the last 5 minutes" for about 19 minutes, well past a round that itself takes minutes
 * at production size, so one round serves every fleet scenario.
 */
const LEAD_SECONDS = 900;
/** A fleet whose latest heartbeat is not this many seconds old yet still looks live for a scenario: it is not moved. */
const STILL_LIVE_SECONDS = 120;

/**
 * A heartbeat round: the fleet's live agents (a heartbeat within 2 minutes of its latest) move
 * forward together, so that the latest heartbeat lies 15 minutes ahead of the clock, as a running
 * fleet would have heartbeated meanwhile. The agents that went quiet stay where they are: moved
 * with the others they would sit across the 5-minute edge and cross it while a scenario runs
 * (a 21M-row run had one name change sides between the two halves of a round). The operator queries ask about "the
 * last 5 minutes": without this a fleet whose load (or a scenario before) took longer than planned
 * would look all offline. The live agents move by the same amount, so who is online, double or
 * silent stays as loaded. Rounds are expensive at production size (every heartbeat is a non-HOT
 * update: about 200,000 rows times every index of agents), hence the lead: one round serves
 * several scenarios.
 */
export async function freshenFleet(pool: Pool): Promise<void> {
  const { rows } = await pool.query<{ age: number | null }>(`SELECT extract(epoch FROM now() - max(heartbeattime))::float8 AS age FROM agents`);
  const age = rows[0].age;
  if (age === null || age < STILL_LIVE_SECONDS) return;
  await pool.query(
    `UPDATE agents SET heartbeattime = heartbeattime + make_interval(secs => $1), refreshtime = refreshtime + make_interval(secs => $1)
     WHERE heartbeattime >= (SELECT max(heartbeattime) FROM agents) - interval '2 minutes'`,
    [age + LEAD_SECONDS],
  );
  // What autovacuum does next in a running service: the round rewrote every live endpoint's row of
  // the summary in one statement (real heartbeats spread over the minute, and HOT pruning and
  // autovacuum keep up with them), far past autovacuum's threshold of 20 % of the table. Left to
  // the scenario, its first read would prune the pages and plan from statistics of the old rows.
  // agents itself is left alone, as autovacuum would leave it (200,000 of 21 million rows).
  await pool.query('VACUUM ANALYZE mig_data_endpoints');
}
