import { randomBytes } from 'node:crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { scramSha256Verifier } from '../scram-verifier';

/**
 * The login role targets are evaluated as (libs/database target-sandbox.ts): it may log in, read
 * the agents table, and nothing else — no other table, no write, and no membership in any role,
 * so neither SET ROLE, set_config('role', …) nor SET SESSION AUTHORIZATION can reach another role
 * whatever a target runs. Its name is random (roles are cluster-wide, and many databases may be
 * migrated at once on one cluster) and so is its password, which is kept in
 * mig_data_target_sandbox: owned by the migrating user (the service's own) and readable by no one
 * else, so that every replica connecting as that user finds it. A copy of the database (CREATE
 * DATABASE … TEMPLATE) carries the row and the grant on agents, and shares the role.
 * When the migrating user may not create roles, the table stays empty and the service refuses to
 * expand targets until MIG_DATA_TARGET_DATABASE_URL names a role made for it.
 */
export class TargetSandboxRole1796000100000 implements MigrationInterface {
  name = 'TargetSandboxRole1796000100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS mig_data_target_sandbox (
        rolname name PRIMARY KEY,
        password text NOT NULL
      );
      REVOKE ALL ON mig_data_target_sandbox FROM PUBLIC;
    `);
    const [{ allowed }] = await queryRunner.query(`SELECT rolsuper OR rolcreaterole AS allowed FROM pg_roles WHERE rolname = current_user`);
    if (!allowed) {
      console.log(JSON.stringify({
        level: 'warn',
        msg: 'no target sandbox role: the migrating user may not create roles; create a role that may only SELECT on agents and set MIG_DATA_TARGET_DATABASE_URL to log in as it',
        migration: this.name,
      }));
      return;
    }
    const [existing] = await queryRunner.query(`SELECT s.rolname FROM mig_data_target_sandbox s JOIN pg_roles r ON r.rolname = s.rolname`);
    if (existing) return;

    const role = `mig_data_target_${randomBytes(6).toString('hex')}`;
    const password = randomBytes(24).toString('base64url');
    await queryRunner.query(
      `CREATE ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS PASSWORD '${scramSha256Verifier(password)}'`,
    );
    await queryRunner.query(`GRANT SELECT ON agents TO ${role}`);
    // PUBLIC may connect and use the schema unless an administrator said otherwise: then say so
    // for this role too, where the migrating user may.
    await queryRunner.query(`
      DO $$
      BEGIN
        IF NOT has_database_privilege('${role}', current_database(), 'CONNECT') THEN
          BEGIN
            EXECUTE format('GRANT CONNECT ON DATABASE %I TO ${role}', current_database());
          EXCEPTION WHEN insufficient_privilege THEN NULL;
          END;
        END IF;
        IF NOT has_schema_privilege('${role}', current_schema(), 'USAGE') THEN
          BEGIN
            EXECUTE format('GRANT USAGE ON SCHEMA %I TO ${role}', current_schema());
          EXCEPTION WHEN insufficient_privilege THEN NULL;
          END;
        END IF;
      END $$;
    `);
    await queryRunner.query(`DELETE FROM mig_data_target_sandbox`);
    await queryRunner.query(`INSERT INTO mig_data_target_sandbox (rolname, password) VALUES ($1, $2)`, [role, password]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const rows: Array<{ rolname: string }> = await queryRunner.query(`SELECT rolname FROM mig_data_target_sandbox`);
    for (const { rolname } of rows) {
      await queryRunner.query(`REVOKE ALL ON agents FROM ${quoteIdentifier(rolname)}`);
    }
    await queryRunner.query(`DROP TABLE mig_data_target_sandbox`);
    // The role may still serve copies of this database: dropping it is left to whoever drops the last one.
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
