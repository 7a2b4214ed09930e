import type { TestService } from './test-service';

/** Holds an exclusive lock on the agents table from a connection of the test until `release`. */
export async function lockAgents(t: TestService): Promise<{ release(): Promise<void> }> {
  const holder = await t.sql.connect();
  await holder.query('BEGIN');
  await holder.query('LOCK TABLE agents IN ACCESS EXCLUSIVE MODE');
  return {
    release: async () => {
      await holder.query('ROLLBACK');
      holder.release();
    },
  };
}

/**
 * Backend pids of `application` (the service's main pool by default; its target pool is
 * 'mig-data-targets') waiting on a lock in the test's database, once there are `count`.
 */
export async function blockedBackends(t: TestService, count = 1, application = 'mig-data-service'): Promise<number[]> {
  for (let attempt = 0; attempt < 400; attempt++) {
    const { rows } = await t.sql.query(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1 AND wait_event_type = 'Lock'`,
      [application],
    );
    if (rows.length >= count) return rows.map((row) => row.pid);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no query of ${application} got blocked on the lock`);
}
