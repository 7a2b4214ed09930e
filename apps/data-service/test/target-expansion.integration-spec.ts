import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { grpcCode, heartbeat } from './support/fixtures';
import { HOSTILE_TARGETS } from './support/hostile-targets';
import { startTestService, type TestService } from './support/test-service';
import { expandedAgents } from './support/expansion';

const CORPUS = join(__dirname, '../../../testdata/mig-actions');
const TABLES = ['agents', 'actions', 'commands', 'investigators', 'signatures', 'agents_stats', 'modules', 'agtmodreq', 'invagtmodperm', 'mig_data_job_runs'];

describe('target expansion', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService(undefined, undefined, { MIG_DATA_TARGET_TIMEOUT_MS: '300' });
    const hosts: Array<[string, string, string]> = [
      ['linux', 'ubuntu1', 'Ubuntu 12.04 precise'],
      ['linux', 'ubuntu2', 'Ubuntu 14.04 trusty'],
      ['linux', 'rhel1', 'Red Hat Enterprise Linux Server release 6.5 (Santiago)'],
      ['linux', 'centos1', 'CentOS release 6.5 (Final)'],
      ['linux', 'amazon1', 'Amazon Linux AMI release 2014.09'],
      ['windows', 'win1', 'Microsoft Windows Server 2012 R2'],
      ['darwin', 'mac1', 'Mac OS X 10.10'],
    ];
    const heartbeats = hosts.flatMap(([os, host, ident], index) =>
      [1, 2, 3].map((pid) =>
        heartbeat(`${host}.example.net`, {
          pid,
          queueloc: `${os}.${host}.example.net.${index}`,
          mode: pid === 3 ? 'checkin' : 'daemon',
          heartbeatts: new Date(Date.now() - pid * 60_000),
          environment: { init: 'systemd', ident, os, arch: 'amd64', isproxied: false, proxy: '', addresses: [], publicip: '192.0.2.1' },
        }),
      ),
    );
    await t.clients.agents.recordHeartbeats({ heartbeats });
    await t.sql.query(`UPDATE agents SET status = 'idle' WHERE pid = 2`);
    await t.sql.query(`UPDATE agents SET status = 'offline' WHERE name = 'mac1.example.net'`);
    await t.sql.query(`INSERT INTO investigators (name, pgpfingerprint, publickey, privatekey) VALUES ('Secret Keeper', 'ABCDEF', 'public', 'private')`);
  });
  afterAll(() => t.stop());

  /** What the target selects, asked of PostgreSQL directly with the service's rule (online or idle, latest per queueloc). */
  async function directly(target: string): Promise<number[]> {
    const { rows } = await t.sql.query(
      `SELECT DISTINCT ON (agents.queueloc) agents.id FROM agents WHERE agents.status IN ('online', 'idle') AND (${target})
       ORDER BY agents.queueloc, agents.heartbeattime DESC, agents.id DESC`,
    );
    return rows.map((row) => Number(row.id));
  }

  async function checksums(): Promise<Record<string, string>> {
    const sums: Record<string, string> = {};
    for (const table of TABLES) {
      const { rows } = await t.sql.query(`SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS sum, count(*) AS n FROM ${table} t`);
      sums[table] = `${rows[0].n}:${rows[0].sum}`;
    }
    const { rows } = await t.sql.query(`SELECT string_agg(roleid::regrole || '>' || member::regrole, ',' ORDER BY 1) AS m FROM pg_auth_members`);
    sums.memberships = rows[0].m;
    return sums;
  }

  it('accepts every target of the real MIG action corpus and returns what PostgreSQL selects, one agent per queueloc', async () => {
    const files = readdirSync(CORPUS).filter((name) => name.endsWith('.json'));
    let expanded = 0;
    for (const file of files) {
      const { target } = JSON.parse(readFileSync(join(CORPUS, file), 'utf8')) as { target?: string };
      if (target === undefined) continue;
      const agents = await expandedAgents(t.clients.fleet, { target });
      expect([file, agents.map((agent) => agent.id)]).toEqual([file, await directly(target)]);
      expect(new Set(agents.map((agent) => agent.queueloc)).size).toBe(agents.length);
      expect(agents.map((agent) => agent.queueloc)).toEqual([...agents.map((agent) => agent.queueloc)].sort());
      expect(agents.every((agent) => agent.status === 'online' || agent.status === 'idle')).toBe(true);
      expanded++;
    }
    expect(expanded).toBeGreaterThanOrEqual(19);
    const agents = await expandedAgents(t.clients.fleet, { target: "environment->>'ident' ilike 'ubuntu 12.04%'", withEnvironment: true });
    expect(agents).toHaveLength(1);
    expect(agents[0]).toMatchObject({ name: 'ubuntu1.example.net', pid: 1, environment: { ident: 'Ubuntu 12.04 precise' } });
  });

  it(`refuses each of ${HOSTILE_TARGETS.length} hostile targets, saying why, and leaves every table as it was`, async () => {
    expect(HOSTILE_TARGETS.length).toBeGreaterThanOrEqual(20);
    const before = await checksums();
    for (const { target, wall } of HOSTILE_TARGETS) {
      const started = Date.now();
      const refused = await grpcCode(expandedAgents(t.clients.fleet, { target }));
      const expected = wall === 'timeout' ? status.DEADLINE_EXCEEDED : status.INVALID_ARGUMENT;
      expect([target, refused.code]).toEqual([target, expected]);
      // The service's limit is 300 ms here: nothing holds it much longer.
      expect([target, Date.now() - started < 3000]).toEqual([target, true]);
      expect(refused.details).toMatch(/^target: /);
      if (wall === 'database') expect(refused.details).toContain('PostgreSQL refused it');
    }
    expect(await checksums()).toEqual(before);
    // The pooled connections came back clean: not read-only, not migreadonly, no advisory lock.
    const { results } = await t.clients.agents.recordHeartbeats({ heartbeats: [heartbeat('after-the-storm.example.net')] });
    expect(results[0].registered).toBe(true);
    // Advisory locks of this test's database only: other test files share the server.
    const { rows } = await t.sql.query(
      `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    expect(rows[0].n).toBe(0);
    const agents = await expandedAgents(t.clients.fleet, { target: "name = 'after-the-storm.example.net'" });
    expect(agents).toHaveLength(1);
  });

  it('says which rule a refused target broke', async () => {
    expect((await grpcCode(expandedAgents(t.clients.fleet, { target: "name = 'x'; DROP TABLE agents" }))).details).toContain('a target is a single expression');
    expect((await grpcCode(expandedAgents(t.clients.fleet, { target: '(SELECT count(*) FROM investigators) > 0' }))).details).toContain('permission denied for table investigators');
    expect((await grpcCode(expandedAgents(t.clients.fleet, { target: '' }))).details).toContain('target: must not be empty');
  });
  // The walls behind the parser, tried directly on the sandbox connection: target-sandbox.integration-spec.ts.
});
