import type { Pool } from 'pg';

/** A fleet younger than this is left as it is. */
const STALE_AFTER_SECONDS = 30;

/**
 * A heartbeat round: the agents of the fleet's last 20 minutes (its live agents, and the ones that
 * just went quiet) move forward by the time since the fleet's latest heartbeat, as a running fleet
 * would have heartbeated meanwhile. The operator queries ask about "the last 5 minutes": without
 * this a fleet whose load (or a scenario before) took longer than planned would look all offline.
 * Every agent moves by the same amount, so who is online, idle, double or silent stays as loaded.
 */
export async function freshenFleet(pool: Pool): Promise<void> {
  const { rows } = await pool.query<{ age: number | null }>(`SELECT extract(epoch FROM now() - max(heartbeattime))::float8 AS age FROM agents`);
  const age = rows[0].age;
  if (age === null || age < STALE_AFTER_SECONDS) return;
  await pool.query(
    `UPDATE agents SET heartbeattime = heartbeattime + make_interval(secs => $1), refreshtime = refreshtime + make_interval(secs => $1)
     WHERE heartbeattime >= (SELECT max(heartbeattime) FROM agents) - interval '20 minutes'`,
    [age],
  );
}
