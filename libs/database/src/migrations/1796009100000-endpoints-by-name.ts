import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * mig_data_endpoints (name): offline agents (seed §2.2) start from the few endpoints whose latest
 * heartbeat falls in the window but before the silent limit (2% of a fleet), and ask of each name
 * whether an endpoint of the same name heartbeated since; this index answers that in one probe,
 * instead of grouping every endpoint (200,000 at MIG's production size) by name.
 *
 * Its price on the heartbeat path: none. A heartbeat updates its endpoint's summary row without
 * changing name, so the update stays HOT (the table's fillfactor 70 leaves room on the page) and
 * touches no index; only a new endpoint, or an update that finds no room on its page, inserts
 * into it. Built in well under a second at production size, holding heartbeats' summary writes
 * (SHARE lock) meanwhile.
 */
export class EndpointsByName1796009100000 implements MigrationInterface {
  name = 'EndpointsByName1796009100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX IF NOT EXISTS mig_data_endpoints_name_idx ON mig_data_endpoints (name)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS mig_data_endpoints_name_idx`);
  }
}
