import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Gives EXECUTE on set_config back to PUBLIC where the target-guard migration took it away.
 * Without it every other role on the database loses set_config, and pg_dump (which calls
 * `set_config('search_path', '', false)` first) fails for a non-superuser backup role. Targets no
 * longer need the guard: they run on a connection logged in as a role that belongs to no other
 * role (migration 1796000100000-target-sandbox-role), so set_config('role', …) reaches nothing.
 * Only the guard's own footprint is undone: PUBLIC without EXECUTE *and* the explicit grants the
 * guard gave MIG's roles. A database whose set_config was restricted by someone else keeps it so.
 * The guard's explicit grant to the user that ran it stays: it is not one of MIG's roles.
 */
export class SetConfigForEveryone1796000100001 implements MigrationInterface {
  name = 'SetConfigForEveryone1796000100001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const [{ guarded, superuser }] = await queryRunner.query(`
      SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
             proacl IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM aclexplode(proacl) a WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE')
             AND EXISTS (SELECT 1 FROM aclexplode(proacl) a JOIN pg_roles r ON r.oid = a.grantee
                         WHERE r.rolname IN ('migadmin', 'migscheduler', 'migapi') AND a.privilege_type = 'EXECUTE') AS guarded
      FROM pg_proc WHERE oid = 'pg_catalog.set_config(text, text, boolean)'::regprocedure
    `);
    if (!guarded) return;
    if (!superuser) {
      console.log(JSON.stringify({
        level: 'warn',
        msg: 'set_config is still taken from PUBLIC by the target-guard migration and only a superuser can give it back: run GRANT EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) TO PUBLIC as one',
        migration: this.name,
      }));
      return;
    }
    await queryRunner.query(`
      GRANT EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) TO PUBLIC;
      REVOKE EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) FROM migadmin, migscheduler, migapi;
    `);
  }

  async down(): Promise<void> {
    // The guard it undoes is gone for good: going back must not take set_config from anyone again.
  }
}
