import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * agents_live_queueloc_idx: the live (online or idle) agents in exactly the order target expansion
 * reads them (queueloc, then latest heartbeat first), and nothing else. MIG's table keeps every
 * agent an endpoint ever ran, so at production size (21 million rows) about one row in a hundred is
 * live: without this index every expansion fetches the live rows scattered over the table and
 * sorts them all before its first agent can be sent; with it, the cursor walks the index in order,
 * its first batch arrives after a thousand index entries, and a target on queueloc (the usual
 * `queueloc LIKE 'linux.%'`) touches only the index (id and queueloc are in it).
 *
 * Its price, on the heartbeat path: a heartbeat already rewrites heartbeattime, an indexed column,
 * so it is already a non-HOT update inserting into every index; this adds one btree insertion for
 * a live agent (the rows going offline leave it at the next vacuum). The index holds only the live
 * rows, a few MB at production size, so it stays in memory.
 */
export class LiveAgentsByQueueloc1796004000000 implements MigrationInterface {
  name = 'LiveAgentsByQueueloc1796004000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS agents_live_queueloc_idx ON agents (queueloc, heartbeattime DESC, id DESC) WHERE status IN ('online', 'idle')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS agents_live_queueloc_idx`);
  }
}
