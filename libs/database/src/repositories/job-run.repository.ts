import type { DataSource, EntityManager } from 'typeorm';
import { affectedRows } from './structured-query';

/**
 * Once-per-period work shared by every replica of the service. The claim (a row unique per job
 * and period in mig_data_job_runs) and the work commit together: a replica that finds the row
 * taken skips the period; one whose work fails rolls the claim back with it, so another replica
 * (or its own next tick) may still do the period. A second claimer waits on the first one's
 * uncommitted row rather than guessing, which is what makes "once" exact.
 */
export class JobRunRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs `work` if no one has run `job` for the period starting at `periodStart`; returns whether it ran. */
  async runOnce(job: string, periodStart: Date, work: (manager: EntityManager) => Promise<string>): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const claimed: unknown[] = await manager.query(
        `INSERT INTO mig_data_job_runs (job, period_start) VALUES ($1, $2)
         ON CONFLICT (job, period_start) DO NOTHING RETURNING job`,
        [job, periodStart],
      );
      if (claimed.length === 0) return false;
      const outcome = await work(manager);
      await manager.query(`UPDATE mig_data_job_runs SET finished_at = clock_timestamp(), outcome = $3 WHERE job = $1 AND period_start = $2`, [job, periodStart, outcome]);
      return true;
    });
  }

  /** Forgets runs older than `before`, so the table stays small. */
  async prune(before: Date, manager: EntityManager = this.dataSource.manager): Promise<number> {
    return affectedRows(manager, `DELETE FROM mig_data_job_runs WHERE period_start < $1`, [before]);
  }
}
