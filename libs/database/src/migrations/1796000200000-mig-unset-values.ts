import type { MigrationInterface, QueryRunner } from 'typeorm';
import { GO_ZERO_TIME, MIG_FUTURE_DATE, NO_RESULTS_YET } from '../mig-unset-values';

/**
 * Rows written by earlier versions of mig-data hold NULL where MIG's Go code expects a value
 * (mig-unset-values.ts says why and which); this writes what MIG itself would have written:
 * - commands.finishtime NULL → MIG's future date. For a command not returned yet that is what
 *   MIG's InsertCommands writes; a command in a final status without a finish time has none to
 *   give back, and the future date keeps reading as "unset", as the NULL did;
 * - commands.results NULL → an empty JSON array (no result returned);
 * - agents.destructiontime NULL → MIG's future date (not destroyed: destroying always set it);
 * - actions.finishtime NULL → Go's zero time, what MIG stores for an action not finished
 *   (finishing always set it).
 * The service reads all of these back as "unset", so no reader sees a difference.
 *
 * Idempotent: only NULLs are rewritten, so a second run changes nothing and writes nothing; it
 * reads each table once. The cost is the agents table: every agent not destroyed, nearly all of
 * them, is rewritten once. Measured on a loadFleet fleet of 1,000,000 agents (PostgreSQL 15, two
 * CPUs shared with other work, load average ~25): 146 s for the rewrite, 8.5 s for a re-run that
 * finds nothing. Linear in rows, so at MIG's production size, 21 million agent rows, expect up to
 * ~50 min (re-run ~3 min) on such a machine and a fraction of that on a dedicated server. The table
 * grows by up to its own size until vacuum reclaims the old row versions (plan the disk), and the
 * rewritten rows stay locked until the migration commits, holding back heartbeats: run it with the
 * scheduler stopped.
 */
export class MigUnsetValues1796000200000 implements MigrationInterface {
  name = 'MigUnsetValues1796000200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`UPDATE commands SET finishtime = $1::timestamptz WHERE finishtime IS NULL`, [MIG_FUTURE_DATE]);
    await queryRunner.query(`UPDATE commands SET results = $1::json WHERE results IS NULL`, [NO_RESULTS_YET]);
    await queryRunner.query(`UPDATE agents SET destructiontime = $1::timestamptz WHERE destructiontime IS NULL`, [MIG_FUTURE_DATE]);
    await queryRunner.query(`UPDATE actions SET finishtime = $1::timestamptz WHERE finishtime IS NULL`, [GO_ZERO_TIME]);
  }

  async down(): Promise<void> {
    // Nothing to undo: the service reads MIG's values and NULL alike, and which rows were NULL is gone.
  }
}
