import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * MIG's grants and role membership, exactly as the GRANTs that end MIG's final schema.sql
 * (mozilla/mig database/schema.sql at 9e7e4f52), column-level where MIG's are:
 * - migscheduler reads every MIG table, private keys included (MIG's scheduler signs with its
 *   own), writes actions, commands, agents, agents_stats and signatures, and inserts investigators;
 * - migapi never reads investigators.privatekey, and writes only the columns MIG's API writes;
 * - migreadonly reads what target expansion needs and never a private key;
 * - migreadonly is granted to migapi and migscheduler: MIG's own target expansion runs
 *   `SET ROLE migreadonly` as either.
 * Everything else these three roles held on this schema is revoked first, so new databases, ones
 * the older roles migration granted differently, and ones made by MIG's own schema.sql all end
 * the same. MIG's roles get nothing on the service's own objects (mig_id_seq, the mig_data_*
 * tables): MIG's code never touches them. migadmin owns MIG's final tables (loaders, manifests,
 * manifestsig) where this user may give them away; the roles migration gave it the seed's tables
 * (MIG's schema.sql leaves manifestsig and agents_stats with whoever ran it).
 * Roles outside MIG's four are not touched. Like the roles migration, it needs a user that may
 * manage roles and acts through migadmin; elsewhere it logs and skips.
 */
export class MigGrants1796000100002 implements MigrationInterface {
  name = 'MigGrants1796000100002';

  async up(queryRunner: QueryRunner): Promise<void> {
    const [{ roles, allowed }] = await queryRunner.query(`
      SELECT (SELECT count(*) FROM pg_roles WHERE rolname IN ('migadmin', 'migscheduler', 'migapi', 'migreadonly')) = 4 AS roles,
             (SELECT rolsuper OR (rolcreaterole AND pg_has_role(current_user, 'migadmin', 'USAGE')) FROM pg_roles WHERE rolname = current_user) AS allowed
    `);
    if (!roles || !allowed) {
      console.log(JSON.stringify({ level: 'warn', msg: "skipping MIG's grants: needs MIG's four roles and a user that may manage roles and is a member of migadmin", migration: this.name }));
      return;
    }
    await queryRunner.query(`
      -- migadmin owns MIG's final tables too. Only where this user may give them away (a table that
      -- MIG's schema.sql left with whoever ran it may belong to another user): else it stays.
      DO $$
      DECLARE object record;
      BEGIN
        FOR object IN
          SELECT c.relname, c.relkind FROM pg_class c
          WHERE c.relnamespace = current_schema()::regnamespace
            AND c.relname IN ('loaders', 'manifests', 'manifestsig', 'loaders_id_seq', 'manifests_id_seq')
            AND pg_get_userbyid(c.relowner) <> 'migadmin' AND pg_has_role(current_user, c.relowner, 'USAGE')
        LOOP
          EXECUTE format('ALTER %s %I OWNER TO migadmin', CASE object.relkind WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, object.relname);
        END LOOP;
      END $$;

      -- A clean slate for MIG's roles on this schema (REVOKE ALL on a table takes its column grants too).
      DO $$
      DECLARE relation record;
      BEGIN
        FOR relation IN
          SELECT c.relkind, format('%I.%I', n.nspname, c.relname) AS name
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
        LOOP
          EXECUTE format('REVOKE ALL ON %s %s FROM migscheduler, migapi, migreadonly',
                         CASE WHEN relation.relkind = 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, relation.name);
        END LOOP;
      END $$;

      -- MIG's schema.sql from here, migscheduler's "ALL TABLES" being MIG's tables.
      GRANT SELECT ON actions, agents, agents_stats, agtmodreq, commands, investigators, invagtmodperm, loaders, manifests, manifestsig, modules, signatures TO migscheduler;
      GRANT INSERT, UPDATE ON actions, commands, agents, agents_stats, signatures TO migscheduler;
      GRANT INSERT ON investigators TO migscheduler;
      GRANT USAGE ON SEQUENCE investigators_id_seq TO migscheduler;

      GRANT SELECT ON actions, agents, agents_stats, agtmodreq, commands, invagtmodperm, loaders, manifests, manifestsig, modules, signatures TO migapi;
      GRANT SELECT (id, name, pgpfingerprint, publickey, status, createdat, lastmodified, permissions, apikey, apisalt) ON investigators TO migapi;
      GRANT INSERT ON agents, actions, signatures, manifests, manifestsig, loaders TO migapi;
      GRANT DELETE ON manifestsig TO migapi;
      GRANT INSERT (name, pgpfingerprint, publickey, status, createdat, lastmodified, permissions) ON investigators TO migapi;
      GRANT UPDATE (permissions, status, lastmodified, apikey, apisalt) ON investigators TO migapi;
      GRANT UPDATE (name, env, tags, loaderkey, salt, lastseen, enabled, expectenv, queueloc) ON loaders TO migapi;
      GRANT UPDATE (status) ON manifests TO migapi;
      GRANT USAGE ON SEQUENCE investigators_id_seq TO migapi;
      GRANT USAGE ON SEQUENCE loaders_id_seq TO migapi;
      GRANT USAGE ON SEQUENCE manifests_id_seq TO migapi;

      GRANT SELECT ON actions, agents, agtmodreq, commands, invagtmodperm, modules, signatures TO migreadonly;
      GRANT SELECT (id, env, tags, expectenv, loadername, queueloc) ON loaders TO migreadonly;
      GRANT SELECT (id, name, pgpfingerprint, publickey, status, createdat, lastmodified) ON investigators TO migreadonly;

      -- Role membership is cluster-wide: another database on this cluster may grant it at the same moment.
      DO $$
      DECLARE member_name text;
      BEGIN
        FOREACH member_name IN ARRAY ARRAY['migapi', 'migscheduler'] LOOP
          IF NOT EXISTS (SELECT 1 FROM pg_auth_members m
                         WHERE m.roleid = 'migreadonly'::regrole AND m.member = member_name::regrole) THEN
            BEGIN
              EXECUTE format('GRANT migreadonly TO %I', member_name);
            EXCEPTION WHEN unique_violation OR duplicate_object THEN
              NULL;
            END;
          END IF;
        END LOOP;
      END $$;
    `);
  }

  async down(): Promise<void> {
    // Grants are the state MIG's own components need; the tables' down migrations take them with them.
  }
}
