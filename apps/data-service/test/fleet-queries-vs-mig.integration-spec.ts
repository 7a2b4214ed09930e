import type { AgentsStats } from '@mig-data/contract';
import {
  backfillEndpointsLastSeen,
  loadFleet,
  MIG_ACTIVE_AGENTS_BY_QUEUE,
  MIG_MULTI_AGENT_QUEUES,
  runMigAgentsStats,
  seedQueryAt,
  type BackfillProgress,
} from '@mig-data/database';
import { SEED_DOUBLE_AGENTS, SEED_OFFLINE_AGENTS, withWindows } from './support/seed-sql';
import { startTestService, type TestService } from './support/test-service';
import { walk } from './support/walk-pages';

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;

// The rewritten operator queries against MIG's own SQL (the seed's §2.2 and §2.3, the scheduler's
// statements), row for row, on fleets loadFleet generates: two years of restarts per endpoint as
// MIG's production table kept them, plus a month-long one, with its edges (an endpoint whose only
// recent agent died, hosts sharing a name, heartbeats and starts exactly on the windows' edges).
// The service's clock is pinned to the fleet's instant and the seed's NOW() bound to it, so an
// agent exactly on an edge is on it for both sides.
describe("fleet queries agree with MIG's SQL row for row on generated fleets", () => {
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  let t: TestService;

  beforeAll(async () => {
    t = await startTestService(() => now);
    await loadFleet(t.sql, { endpoints: 1000, agents: 20_000, days: 730, now });
    await loadFleet(t.sql, { endpoints: 500, agents: 5_000, days: 30, now });
  }, 300_000);
  afterAll(() => t.stop());

  const seedRows = async (sql: string, parameters: unknown[] = []) => (await t.sql.query(sql, parameters)).rows;

  async function offlineNames(seenWithin?: number, silentFor?: number): Promise<string[]> {
    const names: string[] = [];
    let pageToken = '';
    do {
      const page = await t.clients.fleet.listOfflineAgents({
        seenWithin: seenWithin === undefined ? undefined : { seconds: seenWithin / 1000, nanos: 0 },
        silentFor: silentFor === undefined ? undefined : { seconds: silentFor / 1000, nanos: 0 },
        pageSize: 37,
        pageToken,
      });
      names.push(...page.names);
      pageToken = page.nextPageToken;
    } while (pageToken);
    return names;
  }

  async function doubleAgents(window?: number): Promise<Array<{ count: number; queueloc: string }>> {
    const found: Array<{ count: number; queueloc: string }> = [];
    let pageToken = '';
    do {
      const page = await t.clients.fleet.listDoubleAgents({ window: window === undefined ? undefined : { seconds: window / 1000, nanos: 0 }, pageSize: 7, pageToken });
      found.push(...page.doubleAgents);
      pageToken = page.nextPageToken;
    } while (pageToken);
    return found;
  }

  const byQueueloc = (rows: Array<{ count: unknown; queueloc: string }>) =>
    rows.map((row) => ({ count: Number(row.count), queueloc: row.queueloc })).sort((a, b) => (a.queueloc < b.queueloc ? -1 : 1));

  async function expectEveryQueryAgrees(): Promise<{ offline: string[]; doubles: Array<{ count: number; queueloc: string }>; stats: AgentsStats }> {
    const offline = await offlineNames();
    expect(offline).toEqual((await seedRows(seedQueryAt(SEED_OFFLINE_AGENTS), [now])).map((row) => row.name));
    expect(await offlineNames(8 * DAY, 30 * MINUTE)).toEqual((await seedRows(seedQueryAt(withWindows(SEED_OFFLINE_AGENTS, ['8 days', '30 minutes'])), [now])).map((row) => row.name));
    // Silent for as long as seen or longer: nobody (the service starts from endpoints quiet between the two limits).
    for (const [seen, silent, windows] of [[30 * MINUTE, 30 * MINUTE, ['30 minutes', '30 minutes']], [5 * MINUTE, 30 * DAY, ['5 minutes', '30 days']]] as const) {
      const seed = (await seedRows(seedQueryAt(withWindows(SEED_OFFLINE_AGENTS, [...windows])), [now])).map((row) => row.name);
      expect(seed).toEqual([]);
      expect(await offlineNames(seen, silent)).toEqual(seed);
    }

    const doubles = await doubleAgents();
    expect(doubles).toEqual(byQueueloc(await seedRows(seedQueryAt(SEED_DOUBLE_AGENTS), [now])));
    expect(await doubleAgents(30 * MINUTE)).toEqual(byQueueloc(await seedRows(seedQueryAt(withWindows(SEED_DOUBLE_AGENTS, ['30 minutes'])), [now])));

    for (const since of [new Date(now.getTime() - 10 * MINUTE), new Date(now.getTime() - 2 * DAY)]) {
      const queuelocs = await walk((pageToken) => t.clients.fleet.listMultiAgentQueues({ since, pageSize: 50, pageToken }).then((page) => ({ rows: page.queuelocs, nextPageToken: page.nextPageToken })));
      expect(queuelocs).toEqual((await seedRows(MIG_MULTI_AGENT_QUEUES, [since])).map((row) => row.queueloc).sort());
    }

    // Active agents of a queue: every double-agent and edge queue, and a spread of the others.
    const queues = (await seedRows(`SELECT DISTINCT queueloc FROM agents WHERE queueloc ~ '\\.host[0-9]*(03|05|11|19|57|58|00)\\.' OR id % 97 = 0`)).map((row) => row.queueloc as string);
    expect(queues.length).toBeGreaterThan(100);
    for (const since of [new Date(now.getTime() - 10 * MINUTE), new Date(now.getTime() - 40 * DAY)]) {
      for (const queueloc of queues) {
        const agents = await walk((pageToken) => t.clients.fleet.listActiveAgentsByQueue({ queueloc, since, pageSize: 1000, pageToken }).then((page) => ({ rows: page.agents, nextPageToken: page.nextPageToken })));
        const mig = (await seedRows(MIG_ACTIVE_AGENTS_BY_QUEUE, [since, queueloc, 'offline']))
          .map((row) => ({ id: Number(row.id), heartbeattime: row.heartbeattime as Date, status: row.status as string, pid: row.pid as number, name: row.name as string }))
          .sort((a, b) => b.id - a.id); // the service pages by id, newest first
        expect(agents.map((a) => ({ id: a.id, heartbeattime: a.heartbeattime, status: a.status, pid: a.pid, name: a.name }))).toEqual(mig);
      }
    }

    const { stats } = await t.clients.fleet.createAgentsStats({});
    expect(stats).toEqual({ timestamp: now, ...(await runMigAgentsStats(t.sql, now)) });
    return { offline, doubles, stats: stats! };
  }

  it('on the fleets as loaded, every edge among the answers', async () => {
    const { offline, doubles, stats } = await expectEveryQueryAgrees();
    const edge = async (where: string) => (await seedRows(`SELECT DISTINCT name, queueloc FROM agents WHERE ${where}`)) as Array<{ name: string; queueloc: string }>;
    // Last heartbeat exactly 30 days ago: still seen within 30 days, so offline. Exactly 5 minutes ago: seen, so not.
    const thirtyDays = await edge(`heartbeattime = $$${new Date(now.getTime() - 30 * DAY).toISOString()}$$::timestamptz`);
    expect(thirtyDays.length).toBeGreaterThan(0);
    expect(offline).toEqual(expect.arrayContaining(thirtyDays.map((e) => e.name)));
    const fiveMinutes = await edge(`heartbeattime = $$${new Date(now.getTime() - 5 * MINUTE).toISOString()}$$::timestamptz`);
    expect(fiveMinutes.length).toBeGreaterThan(0);
    for (const { name } of fiveMinutes) expect(offline).not.toContain(name);
    // The previous agent heartbeating exactly 10 minutes ago still makes a double agent.
    const tenMinutes = await edge(`heartbeattime = $$${new Date(now.getTime() - 10 * MINUTE).toISOString()}$$::timestamptz`);
    expect(tenMinutes.length).toBeGreaterThan(0);
    expect(doubles.map((d) => d.queueloc)).toEqual(expect.arrayContaining(tenMinutes.map((e) => e.queueloc)));
    // The only recent agent died: the endpoint is offline by name.
    const died = await edge(`status = 'destroyed'`);
    expect(died.length).toBeGreaterThan(10);
    expect(offline).toEqual(expect.arrayContaining(died.map((e) => e.name)));
    // A name shared by a silent host and a live one is not offline.
    const shared = (await seedRows(`SELECT name FROM agents GROUP BY name HAVING count(DISTINCT queueloc) > 1 AND max(heartbeattime) >= $1::timestamptz - interval '5 minutes'`, [now])).map((row) => row.name);
    expect(shared.length).toBeGreaterThan(10);
    for (const name of shared) expect(offline).not.toContain(name);
    expect(stats).toMatchObject({ newEndpoints: expect.any(Number), disappearedEndpoints: expect.any(Number) });
    expect(stats.newEndpoints).toBeGreaterThan(0);
    expect(stats.disappearedEndpoints).toBeGreaterThan(0);
    expect(stats.multiAgentsEndpoints).toBeGreaterThan(0);
  });

  it("after MIG's own writes, heartbeats, deletes, a rename and a clock moved back, the endpoint summary is still exact", async () => {
    const [{ id: anyLive, queueloc, name }] = await seedRows(`SELECT id, queueloc, name FROM agents WHERE status = 'online' ORDER BY id LIMIT 1`);
    // MIG's scheduler registers an agent and moves a heartbeat itself (mig database/agents.go).
    await t.sql.query(
      `INSERT INTO agents (id, name, queueloc, mode, version, pid, starttime, destructiontime, heartbeattime, refreshtime, status, environment, tags, loadername)
       VALUES (nextval('mig_id_seq'), 'mig-written.example.net', 'linux.mig-written.example.net.1', 'daemon', '1', 42, $1, '9998-01-11 11:11:11+00', $1, $1, 'online', '{}', '{}',
       (SELECT loadername FROM loaders WHERE queueloc = 'linux.mig-written.example.net.1' LIMIT 1))`,
      [new Date(now.getTime() - 2 * MINUTE)],
    );
    await t.sql.query(`UPDATE agents SET status = 'online', heartbeattime = $1 WHERE id = $2`, [new Date(now.getTime() - 30 * 1000), anyLive]);
    // Through the service: a batch of heartbeats for known agents.
    const live = await seedRows(`SELECT name, queueloc, pid, mode, version, starttime FROM agents WHERE status = 'online' ORDER BY id DESC LIMIT 50`);
    await t.clients.agents.recordHeartbeats({
      heartbeats: live.map((a) => ({ name: a.name, queueloc: a.queueloc, pid: a.pid, mode: a.mode, version: a.version, starttime: a.starttime, heartbeatts: new Date(now.getTime() - 1000), environment: undefined, tags: {} })),
    });
    // A heartbeat moved back (a clock fixed), a rename, the whole history of one endpoint deleted, and a silent endpoint's latest agent deleted.
    await t.sql.query(`UPDATE agents SET heartbeattime = heartbeattime - interval '3 days' WHERE queueloc = $1 AND name = $2`, [queueloc, name]);
    await t.sql.query(`UPDATE agents SET name = 'renamed.example.net' WHERE id = (SELECT max(id) FROM agents WHERE status = 'offline')`);
    await t.sql.query(`DELETE FROM agents WHERE queueloc = (SELECT queueloc FROM agents WHERE status = 'idle' OR status = 'destroyed' ORDER BY id LIMIT 1)`);
    await t.sql.query(`DELETE FROM agents WHERE id = (SELECT max(id) FROM agents a WHERE a.heartbeattime < $1::timestamptz - interval '1 hour' AND a.heartbeattime > $1::timestamptz - interval '20 days')`, [now]);

    expect(await summaryDrift()).toEqual([]);
    await expectEveryQueryAgrees();
  });

  it('backfills the summary from agents with progress, as adopting an existing database does, and leaves later values alone', async () => {
    await t.sql.query(`DELETE FROM mig_data_endpoints WHERE queueloc LIKE 'linux.%'`);
    await t.sql.query(`UPDATE mig_data_endpoints SET last_heartbeat = last_heartbeat + interval '1 second' WHERE queueloc LIKE 'darwin.%'`);
    const progress: BackfillProgress[] = [];
    await backfillEndpointsLastSeen(t.sql, (step) => progress.push(step));
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ blocksDone: progress.at(-1)!.blocks });
    // The later values a trigger would have folded in are kept (a backfill never moves a heartbeat back).
    const drift = await summaryDrift();
    expect(drift.length).toBeGreaterThan(0);
    expect(drift.every((row) => row.queueloc.startsWith('darwin.'))).toBe(true);
    await t.sql.query(`UPDATE mig_data_endpoints SET last_heartbeat = last_heartbeat - interval '1 second' WHERE queueloc LIKE 'darwin.%'`);
    expect(await summaryDrift()).toEqual([]);
  });

  /** Rows where mig_data_endpoints differs from what agents say (the two latest agents, the latest start), either way. */
  async function summaryDrift(): Promise<Array<{ queueloc: string; name: string }>> {
    return seedRows(`
      WITH ranked AS (
        SELECT queueloc, name, id, heartbeattime, starttime, row_number() OVER (PARTITION BY queueloc, name ORDER BY heartbeattime DESC, id DESC) AS r FROM agents
      ), truth AS (
        SELECT queueloc, name, max(id) FILTER (WHERE r = 1) AS last_agent, max(heartbeattime) FILTER (WHERE r = 1) AS last_heartbeat,
               max(id) FILTER (WHERE r = 2) AS prev_agent, max(heartbeattime) FILTER (WHERE r = 2) AS prev_heartbeat, max(starttime) AS last_start
        FROM ranked GROUP BY queueloc, name
      ), summary AS (
        SELECT queueloc, name, last_agent, last_heartbeat, prev_agent, prev_heartbeat, last_start FROM mig_data_endpoints
      )
      SELECT queueloc, name FROM ((SELECT * FROM truth EXCEPT SELECT * FROM summary) UNION ALL (SELECT * FROM summary EXCEPT SELECT * FROM truth)) drift
      ORDER BY queueloc, name`);
  }
});
