import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Investigators' keys, as the data service now manages them:
 * - only the scheduler's identity holds a private key, so at most one row may have one (two
 *   schedulers creating it at once: one wins, the other is told it exists);
 * - fingerprints are unique and looked up whatever their case (the seed's hand-written INSERT
 *   may have stored one in lower case).
 * Never edit this file once merged: add a new migration.
 */
export class SchedulerIdentity1795871941881 implements MigrationInterface {
  name = 'SchedulerIdentity1795871941881';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE UNIQUE INDEX investigators_one_privatekey_idx ON investigators ((privatekey IS NOT NULL)) WHERE privatekey IS NOT NULL;
      CREATE UNIQUE INDEX investigators_upper_pgpfingerprint_idx ON investigators (upper(pgpfingerprint));
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX investigators_upper_pgpfingerprint_idx, investigators_one_privatekey_idx`);
  }
}
