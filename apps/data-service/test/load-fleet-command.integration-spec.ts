import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '@mig-data/test-database';

const REPOSITORY = resolve(__dirname, '../../..');
const LOAD_FLEET = join(REPOSITORY, 'apps/data-service/dist/load-fleet.js');

/** The built load-fleet command, its output piped (so progress comes as plain lines, not a bar). */
async function runLoadFleet(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const fullEnv: NodeJS.ProcessEnv = { ...process.env, MIG_DATA_LOG_LEVEL: 'warn', ...env };
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [LOAD_FLEET, ...args], { cwd: REPOSITORY, env: fullEnv, timeout: 240_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('load-fleet: the command that loads a generated fleet and its commands into the service\'s database', () => {
  let database: TestDatabase;
  let sql: Pool;
  beforeAll(async () => {
    database = await createTestDatabase();
    sql = new Pool({ connectionString: database.url, max: 1 });
  });
  afterAll(async () => {
    await sql.end();
    await database.drop();
  });

  it('states its options and their defaults', async () => {
    const { code, stdout } = await runLoadFleet(['--help'], {});
    expect(code).toBe(0);
    expect(stdout).toContain('--agents N      agent rows in all (default 1000000');
    expect(stdout).toContain('--endpoints N   distinct endpoints (default: agents / 10, at most 207040');
    expect(stdout).toContain('--days D        history in days (default 730');
    expect(stdout).toContain('--commands N    finished commands of past actions of 100,000 agents each (default 0');
  });

  it('loads agents and commands past the service\'s statement timeout, showing progress on stderr', async () => {
    // 100 ms, the least the service accepts: the fleet's one INSERT (2,000 endpoints, 20,000 rows
    // and their summary) and its VACUUM take longer, so a load that kept the timeout is cancelled.
    const { code, stderr } = await runLoadFleet(['--agents', '20000', '--commands', '50000'], { DATABASE_URL: database.url, MIG_DATA_DB_STATEMENT_TIMEOUT_MS: '100' });
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    expect(stderr).toContain('loading agents: 0% 0/20,000');
    expect(stderr).toContain('loading agents: 100% 20,000/20,000');
    expect(stderr).toContain('loading commands: 100% 50,000/50,000');
    expect(stderr).toContain('loaded 20000 agents on 2000 endpoints');

    const { rows } = await sql.query(`
      SELECT (SELECT count(*)::int FROM agents) AS agents,
             (SELECT count(DISTINCT queueloc)::int FROM agents) AS endpoints,
             (SELECT count(*)::int FROM commands) AS commands,
             (SELECT count(*)::int FROM actions) AS actions,
             (SELECT count(*)::int FROM (SELECT actionid, agentid FROM commands GROUP BY 1, 2 HAVING count(*) > 1) twice) AS agents_twice_in_an_action,
             (SELECT count(*)::int FROM commands c LEFT JOIN agents a ON a.id = c.agentid WHERE a.id IS NULL) AS commands_without_agent`);
    // 20,000 agents a past action at most: 50,000 commands are 3 actions (20,000, 20,000, 10,000).
    expect(rows[0]).toEqual({ agents: 20_000, endpoints: 2000, commands: 50_000, actions: 3, agents_twice_in_an_action: 0, commands_without_agent: 0 });
  }, 300_000);
});
