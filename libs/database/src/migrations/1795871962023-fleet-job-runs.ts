import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Bookkeeping of the service's periodic fleet jobs (mark idle, mark offline, statistics): one row
 * per job and period. Its primary key is what lets several replicas on one database run each job
 * exactly once per period (JobRunRepository.runOnce). Not a MIG table; nothing else reads it.
 */
export class FleetJobRuns1795871962023 implements MigrationInterface {
  name = 'FleetJobRuns1795871962023';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE mig_data_job_runs (
        job varchar(64) NOT NULL,
        period_start timestamptz NOT NULL,
        started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        finished_at timestamptz,
        outcome varchar(1024),
        PRIMARY KEY (job, period_start)
      )
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE mig_data_job_runs`);
  }
}
