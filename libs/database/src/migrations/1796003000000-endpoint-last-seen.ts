import type { MigrationInterface, QueryRunner } from 'typeorm';
import { backfillEndpointsLastSeen } from '../fleet-summary/endpoint-backfill';
import { summariseAgents, upsertSummaries } from '../fleet-summary/endpoint-summary-sql';

/**
 * mig_data_endpoints: one row per endpoint (queueloc and name) with its two agents seen last (ids
 * and heartbeats) and the latest start of its agents, kept by triggers on agents. MIG's table
 * keeps every agent an endpoint ever ran (21 million rows at MIG's production size, 200,000
 * endpoints): the operator queries about endpoints (offline agents, new and disappeared
 * endpoints) read this table of one row per endpoint instead of the whole history, and double
 * agents and multi-agent queues take their candidates from it (a queue whose second-latest
 * heartbeat falls in the window).
 *
 * Triggers, not the service's heartbeat path: MIG's own scheduler and API write agents directly
 * (spec/data-model.md), and every writer must keep the summary exact. They are statement-level,
 * with transition tables: a heartbeat batch of 1,000 agents or a load of a million rows folds into
 * one aggregated upsert (merging the two latest, so a later value is never moved back); an update
 * that moves a heartbeat or start back, renames an agent or moves it to another queue, and a
 * delete, recompute the endpoints they touched from agents. SECURITY DEFINER, owned by the migrating user: MIG's
 * roles write agents but are granted nothing on the service's tables. Upserts go in key order, so
 * two writers never take the same summary rows in opposite orders.
 *
 * Existing rows are summarised (backfilled) with agents locked against writes (SHARE ROW
 * EXCLUSIVE: readers go on), so no heartbeat slips between the backfill and the triggers; progress
 * is logged as it goes (see backfillEndpointsLastSeen for the cost at MIG's production size).
 */
export class EndpointLastSeen1796003000000 implements MigrationInterface {
  name = 'EndpointLastSeen1796003000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The functions resolve names in this schema whoever calls them (SECURITY DEFINER), temporary objects last.
    const [{ schema }] = await queryRunner.query(`SELECT quote_ident(current_schema()) AS schema`);
    const searchPath = `${schema}, pg_temp`;
    await queryRunner.query(`
      CREATE TABLE mig_data_endpoints (
        queueloc varchar(2048) NOT NULL,
        name varchar(2048) NOT NULL,
        last_agent numeric NOT NULL,
        last_heartbeat timestamptz NOT NULL,
        prev_agent numeric,
        prev_heartbeat timestamptz,
        last_start timestamptz NOT NULL,
        PRIMARY KEY (queueloc, name)
      ) WITH (fillfactor = 70);
      COMMENT ON TABLE mig_data_endpoints IS 'Per endpoint (queueloc, name): its two agents seen last and max(starttime) of its agents, kept by the mig_data_endpoints_* triggers on agents';

      -- The two latest distinct agents of (a1, h1), (a2, h2), (b1, g1), (b2, g2), an agent twice keeping its later heartbeat.
      CREATE FUNCTION mig_data_endpoints_top2(a1 numeric, h1 timestamptz, a2 numeric, h2 timestamptz, b1 numeric, g1 timestamptz, b2 numeric, g2 timestamptz,
                                              OUT x1 numeric, OUT y1 timestamptz, OUT x2 numeric, OUT y2 timestamptz)
      LANGUAGE plpgsql IMMUTABLE AS $$
      DECLARE
        ids numeric[] := ARRAY[b1, b2];
        beats timestamptz[] := ARRAY[g1, g2];
        i int;
      BEGIN
        x1 := a1; y1 := h1; x2 := a2; y2 := h2;
        FOR i IN 1..2 LOOP
          CONTINUE WHEN ids[i] IS NULL;
          IF ids[i] = x1 THEN
            y1 := GREATEST(y1, beats[i]);
          ELSIF ids[i] = x2 THEN
            y2 := GREATEST(y2, beats[i]);
          ELSIF x1 IS NULL OR beats[i] > y1 OR (beats[i] = y1 AND ids[i] > x1) THEN
            x2 := x1; y2 := y1; x1 := ids[i]; y1 := beats[i];
          ELSIF x2 IS NULL OR beats[i] > y2 OR (beats[i] = y2 AND ids[i] > x2) THEN
            x2 := ids[i]; y2 := beats[i];
          END IF;
          IF x2 IS NOT NULL AND (y2 > y1 OR (y2 = y1 AND x2 > x1)) THEN
            SELECT x2, y2, x1, y1 INTO x1, y1, x2, y2;
          END IF;
        END LOOP;
      END $$;

      -- Recomputes the summary rows of (queueloc, name) pairs from agents: after a change that
      -- may have lowered a maximum, or removed the endpoint's last agent.
      CREATE FUNCTION mig_data_endpoints_recompute(queuelocs text[], names text[]) RETURNS void
      LANGUAGE sql SECURITY DEFINER SET search_path = ${searchPath} AS $$
        DELETE FROM mig_data_endpoints e
        USING unnest(queuelocs, names) AS touched(queueloc, name)
        WHERE e.queueloc = touched.queueloc AND e.name = touched.name;
        ${upsertSummaries(summariseAgents(`(SELECT a.* FROM (SELECT DISTINCT queueloc, name FROM unnest(queuelocs, names) AS t(queueloc, name)) touched
              JOIN agents a ON a.queueloc = touched.queueloc AND a.name = touched.name) AS a`))};
      $$;

      CREATE FUNCTION mig_data_endpoints_after_insert() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = ${searchPath} AS $$
      BEGIN
        ${upsertSummaries(summariseAgents('inserted'))};
        RETURN NULL;
      END $$;

      CREATE FUNCTION mig_data_endpoints_after_update() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = ${searchPath} AS $$
      DECLARE
        moved_queuelocs text[];
        moved_names text[];
      BEGIN
        -- Later heartbeats and starts (every heartbeat): folded in.
        ${upsertSummaries(summariseAgents(`(SELECT n.* FROM updated_new n LEFT JOIN updated_old o ON o.id = n.id
              WHERE o.id IS NULL OR n.heartbeattime > o.heartbeattime OR n.starttime > o.starttime OR n.queueloc <> o.queueloc OR n.name <> o.name) AS n`))};
        -- A value moved back, an agent renamed or moved (rare): its former endpoint is recomputed.
        SELECT array_agg(o.queueloc ORDER BY o.queueloc, o.name), array_agg(o.name ORDER BY o.queueloc, o.name)
        INTO moved_queuelocs, moved_names
        FROM updated_old o LEFT JOIN updated_new n ON n.id = o.id
        WHERE n.id IS NULL OR n.heartbeattime < o.heartbeattime OR n.starttime < o.starttime OR n.queueloc <> o.queueloc OR n.name <> o.name;
        IF moved_queuelocs IS NOT NULL THEN
          PERFORM mig_data_endpoints_recompute(moved_queuelocs, moved_names);
        END IF;
        RETURN NULL;
      END $$;

      CREATE FUNCTION mig_data_endpoints_after_delete() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = ${searchPath} AS $$
      DECLARE
        gone_queuelocs text[];
        gone_names text[];
      BEGIN
        SELECT array_agg(queueloc ORDER BY queueloc, name), array_agg(name ORDER BY queueloc, name) INTO gone_queuelocs, gone_names
        FROM (SELECT DISTINCT queueloc, name FROM deleted) d;
        IF gone_queuelocs IS NOT NULL THEN
          PERFORM mig_data_endpoints_recompute(gone_queuelocs, gone_names);
        END IF;
        RETURN NULL;
      END $$;

      CREATE FUNCTION mig_data_endpoints_after_truncate() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = ${searchPath} AS $$
      BEGIN
        TRUNCATE mig_data_endpoints;
        RETURN NULL;
      END $$;

      LOCK TABLE agents IN SHARE ROW EXCLUSIVE MODE;
      CREATE TRIGGER mig_data_endpoints_insert AFTER INSERT ON agents REFERENCING NEW TABLE AS inserted
        FOR EACH STATEMENT EXECUTE FUNCTION mig_data_endpoints_after_insert();
      CREATE TRIGGER mig_data_endpoints_update AFTER UPDATE ON agents REFERENCING OLD TABLE AS updated_old NEW TABLE AS updated_new
        FOR EACH STATEMENT EXECUTE FUNCTION mig_data_endpoints_after_update();
      CREATE TRIGGER mig_data_endpoints_delete AFTER DELETE ON agents REFERENCING OLD TABLE AS deleted
        FOR EACH STATEMENT EXECUTE FUNCTION mig_data_endpoints_after_delete();
      CREATE TRIGGER mig_data_endpoints_truncate AFTER TRUNCATE ON agents
        FOR EACH STATEMENT EXECUTE FUNCTION mig_data_endpoints_after_truncate();
    `);
    await backfillEndpointsLastSeen(queryRunner, (progress) => console.log(JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'summarising agents into mig_data_endpoints', migration: this.name, ...progress })));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TRIGGER IF EXISTS mig_data_endpoints_insert ON agents;
      DROP TRIGGER IF EXISTS mig_data_endpoints_update ON agents;
      DROP TRIGGER IF EXISTS mig_data_endpoints_delete ON agents;
      DROP TRIGGER IF EXISTS mig_data_endpoints_truncate ON agents;
      DROP FUNCTION IF EXISTS mig_data_endpoints_after_insert(), mig_data_endpoints_after_update(), mig_data_endpoints_after_delete(),
        mig_data_endpoints_after_truncate(), mig_data_endpoints_recompute(text[], text[]),
        mig_data_endpoints_top2(numeric, timestamptz, numeric, timestamptz, numeric, timestamptz, numeric, timestamptz);
      DROP TABLE IF EXISTS mig_data_endpoints;
    `);
  }
}

