import { status } from '@grpc/grpc-js';
import { Client, type PoolClient } from 'pg';
import { TargetSandbox } from '@mig-data/database';
import { grpcCode, heartbeat } from './support/fixtures';
import { startTestService, type TestService } from './support/test-service';
import { expandedAgents } from './support/expansion';

/**
 * The walls behind the target parser, tried as a target that slipped past it would: SQL run
 * directly on the connection the target expansion repository uses (logged in as the sandbox role).
 */
describe('target sandbox', () => {
  let t: TestService;
  let sandbox: PoolClient;
  let sandboxRole: string;
  let serviceUser: string;

  beforeAll(async () => {
    t = await startTestService();
    await t.clients.agents.recordHeartbeats({ heartbeats: [heartbeat('sandboxed.example.net')] });
    await t.sql.query(`INSERT INTO investigators (name, pgpfingerprint, publickey, privatekey, status, createdat, lastmodified) VALUES ('Secret Keeper', 'ABCDEF', 'public', 'private', 'active', now(), now())`);
    sandbox = await t.service.targetSandbox.connect();
    sandboxRole = (await sandbox.query(`SELECT current_user::text AS role`)).rows[0].role;
    serviceUser = (await t.sql.query(`SELECT current_user::text AS role`)).rows[0].role;
  });
  afterAll(async () => {
    sandbox?.release(true);
    await t.stop();
  });

  /** Runs `sql` on the sandbox connection outside any transaction the service would open: what PostgreSQL says. */
  async function hostile(sql: string): Promise<string> {
    try {
      await sandbox.query(sql);
      return 'ran';
    } catch (error) {
      return (error as Error).message;
    } finally {
      await sandbox.query('ROLLBACK').catch(() => undefined);
      await sandbox.query('RESET ALL');
    }
  }

  async function whoAmI(): Promise<{ current: string; session: string }> {
    return (await sandbox.query(`SELECT current_user::text AS current, session_user::text AS session`)).rows[0];
  }

  it('is logged in as a role of its own that belongs to no role and has nothing but SELECT on agents', async () => {
    expect(sandboxRole).not.toBe(serviceUser);
    expect(await whoAmI()).toEqual({ current: sandboxRole, session: sandboxRole });
    const { rows } = await t.sql.query(
      `SELECT rolsuper, rolcreaterole, rolcreatedb, rolinherit, (SELECT count(*)::int FROM pg_auth_members WHERE member = r.oid) AS memberships
       FROM pg_roles r WHERE rolname = $1`,
      [sandboxRole],
    );
    expect(rows[0]).toEqual({ rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolinherit: false, memberships: 0 });
    expect(await hostile(`SELECT id, name, environment FROM agents`)).toBe('ran');
  });

  it('cannot change role by SET ROLE, set_config or SET SESSION AUTHORIZATION, to any role there is', async () => {
    const { rows } = await t.sql.query(`SELECT rolname::text FROM pg_roles WHERE rolname <> $1 ORDER BY 1`, [sandboxRole]);
    const roles: string[] = rows.map((row) => row.rolname);
    expect(roles).toEqual(expect.arrayContaining(['migadmin', 'migscheduler', 'migapi', 'migreadonly', serviceUser, 'pg_read_all_data', 'pg_write_all_data']));
    const changed: string[] = [];
    for (const role of roles) {
      const quoted = `"${role.replace(/"/g, '""')}"`;
      for (const attempt of [
        `SET ROLE ${quoted}`,
        `BEGIN; SET LOCAL ROLE ${quoted}`,
        `SELECT set_config('role', '${role}', false)`,
        `SELECT set_config('role', '${role}', true)`,
        `SELECT query_to_xml('SELECT set_config(''role'', ''${role}'', false)', true, true, '')`,
        `SET SESSION AUTHORIZATION ${quoted}`,
        `SELECT set_config('session_authorization', '${role}', false)`,
      ]) {
        const said = await hostile(attempt);
        if (!/permission denied|must be superuser|not permitted|cannot set parameter/.test(said)) changed.push(`${attempt}: ${said}`);
        const now = await whoAmI();
        if (now.current !== sandboxRole || now.session !== sandboxRole) changed.push(`${attempt}: became ${JSON.stringify(now)}`);
      }
    }
    expect(changed).toEqual([]);
    // set_config itself is everyone's again (pg_dump needs it): it just reaches no role from here.
    expect(await hostile(`SELECT set_config('search_path', '', false)`)).toBe('ran');
  });

  it('cannot read investigators or any table but agents', async () => {
    const { rows } = await t.sql.query(`SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'agents' ORDER BY 1`);
    const tables: string[] = rows.map((row) => row.tablename);
    expect(tables).toEqual(expect.arrayContaining(['investigators', 'actions', 'commands', 'loaders', 'mig_data_target_sandbox', 'mig_data_migrations']));
    const read: string[] = [];
    for (const table of tables) {
      const said = await hostile(`SELECT * FROM "${table}" LIMIT 1`);
      if (!said.includes(`permission denied for table ${table}`)) read.push(`${table}: ${said}`);
    }
    expect(read).toEqual([]);
    expect(await hostile(`SELECT privatekey FROM investigators`)).toContain('permission denied for table investigators');
    expect(await hostile(`SELECT query_to_xml('SELECT privatekey FROM investigators', true, true, '')`)).toContain('permission denied for table investigators');
    expect(await hostile(`SELECT count(*) FROM pg_authid`)).toContain('permission denied');
    expect(await hostile(`SELECT pg_read_file('/etc/passwd')`)).toContain('permission denied');
    expect(await hostile(`SELECT lo_import('/etc/passwd')`)).toContain('permission denied');
  });

  it('cannot write, even outside a read-only transaction', async () => {
    const before = (await t.sql.query(`SELECT md5(string_agg(a::text, '|' ORDER BY id)) AS sum FROM agents a`)).rows[0].sum;
    for (const attempt of [
      `UPDATE agents SET status = 'offline'`,
      `DELETE FROM agents`,
      `INSERT INTO agents (id, name, queueloc, mode, version, pid, starttime, heartbeattime, refreshtime) VALUES (1, 'x', 'x', 'x', 'x', 1, now(), now(), now())`,
      `TRUNCATE agents`,
      `SELECT id FROM agents FOR UPDATE`,
      `SELECT nextval('mig_id_seq')`,
      `UPDATE investigators SET status = 'disabled'`,
      `CREATE TABLE stolen (x int)`,
      `ALTER TABLE agents ADD COLUMN x int`,
    ]) {
      expect([attempt, await hostile(attempt)]).toEqual([attempt, expect.stringMatching(/permission denied|must be owner/)]);
    }
    expect((await t.sql.query(`SELECT md5(string_agg(a::text, '|' ORDER BY id)) AS sum FROM agents a`)).rows[0].sum).toBe(before);
  });

  it('refuses, through the service, a configured target role stronger than SELECT on agents, saying what to configure', async () => {
    const strong = await startTestService(undefined, undefined, { MIG_DATA_TARGET_DATABASE_URL: t.database.url });
    try {
      await strong.clients.agents.recordHeartbeats({ heartbeats: [heartbeat('strong.example.net')] });
      const refused = await grpcCode(expandedAgents(strong.clients.fleet, { target: 'true' }));
      expect(refused.code).toBe(status.FAILED_PRECONDITION);
      expect(refused.details).toContain('is a superuser');
      expect(refused.details).toContain('set MIG_DATA_TARGET_DATABASE_URL to a URL that logs in as a role with nothing but SELECT on agents');
    } finally {
      await strong.stop();
    }
  });

  it('runs targets as the role in MIG_DATA_TARGET_DATABASE_URL when it is weak enough, and refuses it once it belongs to a role', async () => {
    const role = `mig_test_target_${process.pid}_${Date.now()}`;
    await t.sql.query(`CREATE ROLE ${role} LOGIN PASSWORD 'made-for-targets'`);
    const other = await startTestService();
    try {
      await other.sql.query(`GRANT SELECT ON agents TO ${role}`);
      const url = new URL(other.database.url);
      url.username = role;
      url.password = 'made-for-targets';
      const configured = new TargetSandbox({ dataSource: other.service.dataSource, databaseUrl: other.database.url, explicitUrl: url.toString(), poolSize: 1 });
      try {
        const client = await configured.connect();
        expect((await client.query(`SELECT current_user::text AS role`)).rows[0].role).toBe(role);
        client.release();
      } finally {
        await configured.close();
      }
      await t.sql.query(`GRANT migreadonly TO ${role}`);
      const member = new TargetSandbox({ dataSource: other.service.dataSource, databaseUrl: other.database.url, explicitUrl: url.toString(), poolSize: 1 });
      await expect(member.connect()).rejects.toThrow(/belongs to migreadonly \(a target could SET ROLE to it\)/);
      await member.close();
    } finally {
      await other.sql.query(`REVOKE ALL ON agents FROM ${role}`);
      await other.stop();
      await t.sql.query(`DROP ROLE ${role}`);
    }
  });

  it('refuses with FAILED_PRECONDITION, saying what to configure, when the database has no sandbox role', async () => {
    const other = await startTestService();
    try {
      await other.sql.query(`DELETE FROM mig_data_target_sandbox`);
      const missing = new TargetSandbox({ dataSource: other.service.dataSource, databaseUrl: other.database.url, poolSize: 1 });
      const error = await missing.connect().then(() => undefined, (refused: Error) => refused);
      expect(error?.constructor.name).toBe('FailedPreconditionError');
      expect(error?.message).toContain('this database has none (the migrating user could not create roles); set MIG_DATA_TARGET_DATABASE_URL');
    } finally {
      await other.stop();
    }
  });

  it('logs in with the stored password (the embedded PostgreSQL checks it)', async () => {
    const { rows } = await t.sql.query(`SELECT rolname::text, password FROM mig_data_target_sandbox`);
    const url = new URL(t.database.url);
    url.username = rows[0].rolname;
    url.password = rows[0].password;
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    expect((await client.query(`SELECT session_user::text AS role`)).rows[0].role).toBe(sandboxRole);
    await client.end();
  });
});
