import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * MIG's final schema (mozilla/mig database/schema.sql at its last commit, 9e7e4f52, 2019) as a
 * superset of the seed's 2015 tables that the first migration created: MIG's own Go scheduler and
 * API read and write these columns and tables, and fail without them (spec/data-model.md, "MIG's
 * final schema and conventions").
 * - agents.refreshtime (NOT NULL): rows that exist get their heartbeat time, which is what MIG
 *   itself writes into it on every heartbeat; agents.loadername, empty until a loader claims the
 *   agent's queueloc.
 * - investigators.permissions (MIG's API permission bitmask, 0 = none), apikey, apisalt.
 * - loaders, manifests, manifestsig with their sequences and indexes, as MIG's schema.sql has them.
 * Every statement is IF NOT EXISTS: a database created by MIG's own final schema.sql already has
 * all of it, and adopting one must neither fail nor change a row.
 * The backfill of refreshtime rewrites every agent row once (as a heartbeat round would): on
 * MIG's production size, 21 million rows, that is the longest step of the migration.
 */
export class MigFinalSchema1796000000000 implements MigrationInterface {
  name = 'MigFinalSchema1796000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE agents ADD COLUMN IF NOT EXISTS refreshtime timestamptz;
      UPDATE agents SET refreshtime = heartbeattime WHERE refreshtime IS NULL;
      ALTER TABLE agents ALTER COLUMN refreshtime SET NOT NULL;
      ALTER TABLE agents ADD COLUMN IF NOT EXISTS loadername varchar(2048);
      CREATE INDEX IF NOT EXISTS agents_starttime_idx ON agents (starttime DESC);

      ALTER TABLE investigators ADD COLUMN IF NOT EXISTS permissions bigint NOT NULL DEFAULT 0;
      ALTER TABLE investigators ADD COLUMN IF NOT EXISTS apikey bytea;
      ALTER TABLE investigators ADD COLUMN IF NOT EXISTS apisalt bytea;

      CREATE SEQUENCE IF NOT EXISTS loaders_id_seq START 1;
      CREATE TABLE IF NOT EXISTS loaders (
        id numeric NOT NULL DEFAULT nextval('loaders_id_seq') PRIMARY KEY,
        loadername varchar(256) NOT NULL,
        keyprefix varchar(256) NOT NULL,
        loaderkey bytea NOT NULL,
        salt bytea NOT NULL,
        name varchar(2048),
        env json,
        tags json,
        lastseen timestamptz NOT NULL,
        enabled boolean NOT NULL DEFAULT false,
        expectenv varchar(2048),
        queueloc varchar(2048)
      );
      CREATE UNIQUE INDEX IF NOT EXISTS loaders_loadername_idx ON loaders (loadername);
      CREATE UNIQUE INDEX IF NOT EXISTS loaders_loaderkey_idx ON loaders (loaderkey);
      CREATE UNIQUE INDEX IF NOT EXISTS loaders_keyprefix_idx ON loaders (keyprefix);
      CREATE UNIQUE INDEX IF NOT EXISTS loaders_queueloc_idx ON loaders (queueloc);

      CREATE SEQUENCE IF NOT EXISTS manifests_id_seq START 1;
      CREATE TABLE IF NOT EXISTS manifests (
        id numeric NOT NULL DEFAULT nextval('manifests_id_seq') PRIMARY KEY,
        name varchar(256) NOT NULL,
        content text NOT NULL,
        timestamp timestamptz NOT NULL,
        status varchar(255) NOT NULL,
        target varchar(2048) NOT NULL
      );

      CREATE TABLE IF NOT EXISTS manifestsig (
        manifestid numeric NOT NULL REFERENCES manifests (id),
        investigatorid numeric NOT NULL,
        pgpsignature varchar(4096) NOT NULL
      );
      CREATE UNIQUE INDEX IF NOT EXISTS manifestsig_manifestid_investigatorid_idx ON manifestsig (manifestid, investigatorid);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE IF EXISTS manifestsig;
      DROP TABLE IF EXISTS manifests;
      DROP SEQUENCE IF EXISTS manifests_id_seq;
      DROP TABLE IF EXISTS loaders;
      DROP SEQUENCE IF EXISTS loaders_id_seq;
      ALTER TABLE investigators DROP COLUMN IF EXISTS apisalt, DROP COLUMN IF EXISTS apikey, DROP COLUMN IF EXISTS permissions;
      DROP INDEX IF EXISTS agents_starttime_idx;
      ALTER TABLE agents DROP COLUMN IF EXISTS loadername, DROP COLUMN IF EXISTS refreshtime;
    `);
  }
}
