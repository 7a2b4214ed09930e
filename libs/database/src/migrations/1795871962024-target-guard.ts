import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Targets run as migreadonly, but SET ROLE is checked against the *session* user: a target
 * calling set_config('role', …) could switch back to the service's own user. Taking EXECUTE on
 * set_config away from PUBLIC (and giving it back to MIG's writing roles, which the service's user
 * holds through migadmin) closes that door at the database, whatever the target parser misses.
 * Plain SET statements are not function calls and are unaffected. Needs a superuser, like the
 * roles migration; without one it logs and skips, and the parser alone stands there.
 */
export class TargetGuard1795871962024 implements MigrationInterface {
  name = 'TargetGuard1795871962024';

  async up(queryRunner: QueryRunner): Promise<void> {
    const [{ allowed }] = await queryRunner.query(
      `SELECT rolsuper AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'migreadonly') AS allowed FROM pg_roles WHERE rolname = current_user`,
    );
    if (!allowed) {
      console.log(JSON.stringify({ level: 'warn', msg: 'skipping the target guard: needs a superuser and the migreadonly role', migration: this.name }));
      return;
    }
    await queryRunner.query(`
      REVOKE EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) TO migadmin, migscheduler, migapi, current_user;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const [{ allowed }] = await queryRunner.query(`SELECT rolsuper AS allowed FROM pg_roles WHERE rolname = current_user`);
    if (allowed) await queryRunner.query(`GRANT EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) TO PUBLIC`);
  }
}
