import type { MigrationInterface, QueryRunner } from 'typeorm';
import { backfillLiveAgents } from '../fleet-summary/live-agents-backfill';
import { upsertLiveAgents } from '../fleet-summary/live-agents-sql';

/**
 * mig_data_live_agents: exactly the agents whose status is online or idle (id, queueloc, version,
 * status), kept by triggers on agents. The statistics snapshot groups every live agent by queue
 * and by version; at MIG's production size (21 million agent rows, about 200,000 of them live)
 * reading them from agents costs one random heap fetch each across the whole table (7.6 s of the
 * snapshot's 26 s in bench/results/scale/operator-queries-21m-explain.txt), and a heartbeat
 * rewrites those rows every minute, so they never become index-only. This table is a few tens of
 * MB, read whole in a few ms.
 *
 * Triggers, not the service's heartbeat path: MIG's own scheduler and API write agents directly,
 * and every writer must keep it exact. They are statement-level, with transition tables, like
 * mig_data_endpoints' (1796003000000-endpoint-last-seen). An update writes only the agents whose
 * (id, queueloc, version, status) changed into or within the live set, and deletes those that
 * left it: a heartbeat of an online agent changes none of them and writes nothing here (the
 * function still compares the batch's old and new rows: its cost per heartbeat batch is in the
 * fleet-scale bench notes). SECURITY DEFINER, owned by the migrating user: MIG's roles write agents
 * but are granted nothing on the service's tables. Upserts go in id order.
 *
 * Existing live agents are copied (backfilled) with agents locked against writes (SHARE ROW
 * EXCLUSIVE: readers go on), so no status change slips between the backfill and the triggers;
 * progress is logged as it goes (see backfillLiveAgents for the cost).
 */
export class LiveAgents1796009000000 implements MigrationInterface {
  name = 'LiveAgents1796009000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The functions resolve names in this schema whoever calls them (SECURITY DEFINER), temporary objects last.
    const [{ schema }] = await queryRunner.query(`SELECT quote_ident(current_schema()) AS schema`);
    const searchPath = `${schema}, pg_temp`;
    await queryRunner.query(`
      CREATE TABLE mig_data_live_agents (
        id numeric PRIMARY KEY,
        queueloc varchar(2048) NOT NULL,
        version varchar(2048) NOT NULL,
        status varchar(255) NOT NULL
      );
      -- The statistics' idle agents of queues without an online one are found through it. Written only when the table is (never by a heartbeat).
      CREATE INDEX mig_data_live_agents_queueloc_idx ON mig_data_live_agents (queueloc, status);
      COMMENT ON TABLE mig_data_live_agents IS 'The agents whose status is online or idle, kept by the mig_data_live_agents_* triggers on agents';

      CREATE FUNCTION mig_data_live_agents_after_insert() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = ${searchPath} AS $$
      BEGIN
        ${upsertLiveAgents('inserted')};
        RETURN NULL;
      END $$;

      CREATE FUNCTION mig_data_live_agents_after_update() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = ${searchPath} AS $$
      BEGIN
        -- Left the live set (or its id changed): gone.
        DELETE FROM mig_data_live_agents l
        USING (SELECT id FROM updated_old WHERE status IN ('online', 'idle')
               EXCEPT SELECT id FROM updated_new WHERE status IN ('online', 'idle')) gone
        WHERE l.id = gone.id;
        -- Joined it, or moved queue, version or status within it. A heartbeat changes none: nothing written.
        ${upsertLiveAgents(`(SELECT id, queueloc, version, status FROM updated_new EXCEPT SELECT id, queueloc, version, status FROM updated_old) AS changed`)};
        RETURN NULL;
      END $$;

      CREATE FUNCTION mig_data_live_agents_after_delete() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = ${searchPath} AS $$
      BEGIN
        DELETE FROM mig_data_live_agents l USING deleted WHERE l.id = deleted.id AND deleted.status IN ('online', 'idle');
        RETURN NULL;
      END $$;

      CREATE FUNCTION mig_data_live_agents_after_truncate() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = ${searchPath} AS $$
      BEGIN
        TRUNCATE mig_data_live_agents;
        RETURN NULL;
      END $$;

      LOCK TABLE agents IN SHARE ROW EXCLUSIVE MODE;
      CREATE TRIGGER mig_data_live_agents_insert AFTER INSERT ON agents REFERENCING NEW TABLE AS inserted
        FOR EACH STATEMENT EXECUTE FUNCTION mig_data_live_agents_after_insert();
      CREATE TRIGGER mig_data_live_agents_update AFTER UPDATE ON agents REFERENCING OLD TABLE AS updated_old NEW TABLE AS updated_new
        FOR EACH STATEMENT EXECUTE FUNCTION mig_data_live_agents_after_update();
      CREATE TRIGGER mig_data_live_agents_delete AFTER DELETE ON agents REFERENCING OLD TABLE AS deleted
        FOR EACH STATEMENT EXECUTE FUNCTION mig_data_live_agents_after_delete();
      CREATE TRIGGER mig_data_live_agents_truncate AFTER TRUNCATE ON agents
        FOR EACH STATEMENT EXECUTE FUNCTION mig_data_live_agents_after_truncate();
    `);
    await backfillLiveAgents(queryRunner, (progress) => console.log(JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'copying live agents into mig_data_live_agents', migration: this.name, ...progress })));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TRIGGER IF EXISTS mig_data_live_agents_insert ON agents;
      DROP TRIGGER IF EXISTS mig_data_live_agents_update ON agents;
      DROP TRIGGER IF EXISTS mig_data_live_agents_delete ON agents;
      DROP TRIGGER IF EXISTS mig_data_live_agents_truncate ON agents;
      DROP FUNCTION IF EXISTS mig_data_live_agents_after_insert(), mig_data_live_agents_after_update(), mig_data_live_agents_after_delete(),
        mig_data_live_agents_after_truncate();
      DROP TABLE IF EXISTS mig_data_live_agents;
    `);
  }
}
