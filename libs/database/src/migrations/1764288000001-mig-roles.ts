import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The deployment's roles (spec/data-model.md): migadmin owns the schema; migscheduler and migapi
 * are what those components connect as; migreadonly evaluates investigators' targets and can read
 * neither investigators nor private keys. Roles belong to the whole PostgreSQL cluster, so they
 * are created only if missing. When the connecting user may not create roles (a managed database,
 * say) the step is skipped with a log line; the schema works without them, but target expansion
 * then has no read-only role to switch to and refuses to run.
 */
export class MigRoles1764288000001 implements MigrationInterface {
  name = 'MigRoles1764288000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const [{ allowed }] = await queryRunner.query(
      `SELECT (rolsuper OR rolcreaterole) AS allowed FROM pg_roles WHERE rolname = current_user`,
    );
    if (!allowed) {
      console.log(JSON.stringify({ level: 'warn', msg: 'skipping MIG roles and grants: the connecting user may not create roles', migration: this.name }));
      return;
    }
    await queryRunner.query(`
      DO $$
      DECLARE role_name text;
      BEGIN
        FOREACH role_name IN ARRAY ARRAY['migadmin', 'migscheduler', 'migapi', 'migreadonly'] LOOP
          IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = role_name) THEN
            BEGIN
              EXECUTE format('CREATE ROLE %I NOLOGIN', role_name);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
              NULL; -- another database on this cluster created it at the same moment
            END;
          END IF;
        END LOOP;
      END $$;

      -- The service's own user switches to migreadonly for targets, and keeps owning rights
      -- through migadmin so that later migrations can alter the tables.
      GRANT migadmin, migreadonly TO current_user;

      ALTER TABLE actions OWNER TO migadmin;
      ALTER TABLE agents OWNER TO migadmin;
      ALTER TABLE commands OWNER TO migadmin;
      ALTER TABLE investigators OWNER TO migadmin;
      ALTER TABLE signatures OWNER TO migadmin;
      ALTER TABLE modules OWNER TO migadmin;
      ALTER TABLE agtmodreq OWNER TO migadmin;
      ALTER TABLE invagtmodperm OWNER TO migadmin;
      ALTER TABLE agents_stats OWNER TO migadmin;
      ALTER SEQUENCE mig_id_seq OWNER TO migadmin;

      GRANT SELECT ON actions, agents, commands, signatures, modules, agtmodreq, invagtmodperm, agents_stats TO migscheduler, migapi, migreadonly;
      GRANT SELECT, INSERT ON investigators TO migscheduler;
      GRANT INSERT, UPDATE ON actions, commands, agents, agents_stats, signatures TO migscheduler;
      GRANT USAGE ON SEQUENCE mig_id_seq, investigators_id_seq TO migscheduler, migapi;

      GRANT SELECT (id, name, pgpfingerprint, publickey, status, createdat, lastmodified) ON investigators TO migapi;
      GRANT INSERT ON actions, signatures, investigators TO migapi;
      GRANT UPDATE (status, lastmodified) ON investigators TO migapi;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Roles are cluster-wide and may serve other databases: dropping the schema's tables
    // (the previous migration's down) removes their grants; the roles themselves stay.
    await queryRunner.query(`SELECT 1`);
  }
}
