import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * agents (queueloc, heartbeattime): one probe answers "did this queue's agents heartbeat in this
 * window", which the statistics ask of every candidate endpoint (new: none between 7 days and
 * 24 hours ago; disappeared: an offline one in the last 7 days), and it serves the scheduler's
 * active agents of one queue. Without it each probe reads all of an endpoint's agents through
 * MIG's (queueloc, pid) index: about a hundred rows per endpoint at MIG's production size, tens of
 * thousands of candidates a day.
 *
 * Its price: a heartbeat changes heartbeattime, so it is never a HOT update and inserts into
 * every index of agents; this is one more of them (measured in bench/results: the heartbeat
 * scenarios before and after). At 21 million rows the build takes a few minutes and blocks writes
 * to agents meanwhile: run the migration with MIG's scheduler stopped.
 */
export class AgentsQueuelocHeartbeattime1796003000001 implements MigrationInterface {
  name = 'AgentsQueuelocHeartbeattime1796003000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX IF NOT EXISTS agents_queueloc_heartbeattime_idx ON agents (queueloc, heartbeattime)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS agents_queueloc_heartbeattime_idx`);
  }
}
