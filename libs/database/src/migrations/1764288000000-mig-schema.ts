import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * MIG's tables, exactly as spec/data-model.md names and types them (targets and the seed's
 * operator queries are SQL over these columns), plus what we add for correctness:
 * - one sequence, `mig_id_seq`, hands out action, command, agent and module ids to every replica;
 *   it starts at the original time-based generator's value, so ids keep growing with time and
 *   stay above any id an older MIG database holds;
 * - commands are unique per (actionid, agentid): creating an action's commands is idempotent;
 * - investigators get defaults so the seed's hand-written INSERT (§2.1) still works.
 * Never edit this file once merged: add a new migration.
 */
export class MigSchema1764288000000 implements MigrationInterface {
  name = 'MigSchema1764288000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE SEQUENCE mig_id_seq AS bigint MAXVALUE 9007199254740991;

      CREATE TABLE actions (
        id numeric PRIMARY KEY,
        name varchar(2048) NOT NULL,
        target varchar(2048) NOT NULL,
        description json,
        threat json,
        operations json,
        validfrom timestamptz NOT NULL,
        expireafter timestamptz NOT NULL,
        starttime timestamptz,
        finishtime timestamptz,
        lastupdatetime timestamptz,
        status varchar(256),
        syntaxversion integer,
        pgpsignatures json
      );
      CREATE INDEX actions_starttime_idx ON actions (starttime DESC);
      CREATE INDEX actions_status_idx ON actions (status);

      CREATE TABLE agents (
        id numeric PRIMARY KEY,
        name varchar(2048) NOT NULL,
        queueloc varchar(2048) NOT NULL,
        mode varchar(2048) NOT NULL,
        version varchar(2048) NOT NULL,
        pid integer NOT NULL,
        starttime timestamptz NOT NULL,
        destructiontime timestamptz,
        heartbeattime timestamptz NOT NULL,
        status varchar(255),
        environment json,
        tags json
      );
      CREATE INDEX agents_heartbeattime_idx ON agents (heartbeattime DESC);
      CREATE INDEX agents_queueloc_pid_idx ON agents (queueloc, pid);
      CREATE INDEX agents_status_idx ON agents (status);

      CREATE TABLE commands (
        id numeric PRIMARY KEY,
        actionid numeric NOT NULL REFERENCES actions (id),
        agentid numeric NOT NULL REFERENCES agents (id),
        status varchar(255) NOT NULL,
        results json,
        starttime timestamptz NOT NULL,
        finishtime timestamptz
      );
      CREATE INDEX commands_agentid_idx ON commands (agentid);
      -- Serves the original's index on actionid too (its leading column).
      CREATE UNIQUE INDEX commands_actionid_agentid_idx ON commands (actionid, agentid);

      CREATE SEQUENCE investigators_id_seq AS bigint MAXVALUE 9007199254740991;
      CREATE TABLE investigators (
        id numeric PRIMARY KEY DEFAULT nextval('investigators_id_seq'),
        name varchar(1024) NOT NULL,
        pgpfingerprint varchar(128),
        publickey bytea,
        privatekey bytea,
        status varchar(255) NOT NULL DEFAULT 'active',
        createdat timestamptz NOT NULL DEFAULT now(),
        lastmodified timestamptz NOT NULL DEFAULT now()
      );
      ALTER SEQUENCE investigators_id_seq OWNED BY investigators.id;
      CREATE UNIQUE INDEX investigators_pgpfingerprint_idx ON investigators (pgpfingerprint);

      CREATE TABLE signatures (
        actionid numeric NOT NULL REFERENCES actions (id),
        investigatorid numeric NOT NULL REFERENCES investigators (id),
        pgpsignature varchar(4096) NOT NULL
      );
      CREATE UNIQUE INDEX signatures_actionid_investigatorid_idx ON signatures (actionid, investigatorid);
      CREATE INDEX signatures_actionid_idx ON signatures (actionid);
      CREATE INDEX signatures_investigatorid_idx ON signatures (investigatorid);

      CREATE TABLE modules (
        id numeric PRIMARY KEY,
        name varchar(256) NOT NULL
      );
      CREATE UNIQUE INDEX modules_name_idx ON modules (name);

      CREATE TABLE agtmodreq (
        moduleid numeric NOT NULL REFERENCES modules (id),
        agentid numeric NOT NULL REFERENCES agents (id),
        minimumweight integer NOT NULL CHECK (minimumweight >= 1)
      );
      CREATE UNIQUE INDEX agtmodreq_moduleid_agentid_idx ON agtmodreq (moduleid, agentid);

      CREATE TABLE invagtmodperm (
        investigatorid numeric NOT NULL REFERENCES investigators (id),
        agentid numeric NOT NULL REFERENCES agents (id),
        moduleid numeric NOT NULL REFERENCES modules (id),
        weight integer NOT NULL
      );
      CREATE UNIQUE INDEX invagtmodperm_investigatorid_agentid_moduleid_idx ON invagtmodperm (investigatorid, agentid, moduleid);

      CREATE TABLE agents_stats (
        timestamp timestamptz NOT NULL,
        online_agents numeric,
        online_agents_by_version json,
        online_endpoints numeric,
        idle_agents numeric,
        idle_agents_by_version json,
        idle_endpoints numeric,
        new_endpoints numeric,
        multi_agents_endpoints numeric,
        disappeared_endpoints numeric,
        flapping_endpoints numeric
      );
      CREATE INDEX agents_stats_timestamp_idx ON agents_stats (timestamp DESC);
    `);
    // Start above the original generator's value for now and above any id already stored.
    await queryRunner.query(`
      SELECT setval('mig_id_seq', GREATEST(
        (floor(extract(epoch FROM now()))::bigint - 1367258400 + 1) * 65536,
        (SELECT coalesce(max(id), 0) FROM actions)::bigint + 1))
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE agents_stats, invagtmodperm, agtmodreq, modules, signatures, investigators, commands, agents, actions;
      DROP SEQUENCE mig_id_seq;
    `);
  }
}
