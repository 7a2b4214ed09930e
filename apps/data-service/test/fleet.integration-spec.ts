import { status } from '@grpc/grpc-js';
import type { Duration, Heartbeat } from '@mig-data/contract';
import { createMigDataSource, fleetRead } from '@mig-data/database';
import { grpcCode, heartbeat } from './support/fixtures';
import { SEED_DOUBLE_AGENTS, SEED_OFFLINE_AGENTS, withWindows } from './support/seed-sql';
import { startTestService, type TestService } from './support/test-service';

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;

// The seed's SQL says NOW(): the fleet is built relative to the real clock, and no heartbeat falls
// within a minute of a window's edge, so the seconds between two queries cannot change an answer.
const EDGES = [5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, 8 * DAY, 30 * DAY];

/** A fixed pseudo-random sequence, so a failure can be replayed. */
function sequence(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

describe('FleetService over gRPC, against the seed queries on the same data', () => {
  let t: TestService;
  let builtAt: number;
  const ago = (ms: number) => new Date(builtAt - ms);

  beforeAll(async () => {
    t = await startTestService();
    builtAt = Date.now();
    const at = (host: string, minutes: number, overrides: Partial<Heartbeat> = {}) =>
      heartbeat(host, { queueloc: `linux.${host}`, heartbeatts: ago(minutes * MINUTE), starttime: ago(minutes * MINUTE + DAY), ...overrides });
    const known: Heartbeat[] = [
      at('alive.example.net', 1),
      at('alive.example.net', 90, { pid: 7 }),
      at('gone-an-hour.example.net', 60),
      at('gone-a-week.example.net', 7 * 1440),
      at('gone-two-months.example.net', 60 * 1440),
      at('puppet3.private.dc1.example.net', 2, { pid: 1 }),
      at('puppet3.private.dc1.example.net', 3, { pid: 2 }),
      at('puppet3.private.dc1.example.net', 4, { pid: 3 }),
      at('mv1.mv.example.net', 1, { pid: 1 }),
      at('mv1.mv.example.net', 2, { pid: 2 }),
      at('restarted.example.net', 1, { pid: 1 }),
      at('restarted.example.net', 20, { pid: 2 }),
      // Two agents on one endpoint, one of them in checkin mode: a double agent for the seed, not for the scheduler.
      at('mixed.example.net', 1, { pid: 1 }),
      at('mixed.example.net', 2, { pid: 2, mode: 'checkin' }),
      // A fresh endpoint: started an hour ago.
      at('newcomer.example.net', 1, { starttime: ago(60 * MINUTE) }),
    ];
    // And 400 endpoints with one to four agents each, heartbeats anywhere in the last 40 days.
    const random = sequence(4242);
    const generated: Heartbeat[] = [];
    for (let endpoint = 0; endpoint < 400; endpoint++) {
      const agents = 1 + Math.floor(random() * 4);
      for (let pid = 1; pid <= agents; pid++) {
        let age = random() < 0.5 ? random() * 40 * MINUTE : random() * 40 * DAY;
        while (EDGES.some((edge) => Math.abs(age - edge) < MINUTE)) age += 2 * MINUTE;
        const host = `fleet${endpoint}.example.net`;
        generated.push(heartbeat(host, { pid, queueloc: `${random() < 0.7 ? 'linux' : 'windows'}.${host}`, version: `2015${pid}`, heartbeatts: ago(age), starttime: ago(age + DAY) }));
      }
    }
    await t.clients.agents.recordHeartbeats({ heartbeats: [...known, ...generated] });
  });
  afterAll(() => t.stop());

  async function allOfflineNames(request: { seenWithin?: Duration; silentFor?: Duration }): Promise<string[]> {
    const names: string[] = [];
    let pageToken = '';
    do {
      const page = await t.clients.fleet.listOfflineAgents({ seenWithin: request.seenWithin, silentFor: request.silentFor, pageSize: 37, pageToken });
      names.push(...page.names);
      pageToken = page.nextPageToken;
    } while (pageToken);
    return names;
  }

  it('lists offline agents exactly as the seed §2.2 query does, row by row, paging through them', async () => {
    const ours = await allOfflineNames({});
    const { rows } = await t.sql.query(SEED_OFFLINE_AGENTS);
    expect(ours).toEqual(rows.map((row) => row.name));
    expect(ours).toEqual(expect.arrayContaining(['gone-a-week.example.net', 'gone-an-hour.example.net']));
    expect(ours).not.toContain('alive.example.net');
    expect(ours).not.toContain('gone-two-months.example.net');
    expect(ours.length).toBeGreaterThan(100);
  });

  it('takes adjusted windows for offline agents and still agrees with the seed query so adjusted', async () => {
    const ours = await allOfflineNames({ seenWithin: { seconds: 8 * 86400, nanos: 0 }, silentFor: { seconds: 30 * 60, nanos: 0 } });
    const { rows } = await t.sql.query(withWindows(SEED_OFFLINE_AGENTS, ['8 days', '30 minutes']));
    expect(ours).toEqual(rows.map((row) => row.name));
    expect(ours).toEqual(expect.arrayContaining(['gone-a-week.example.net', 'gone-an-hour.example.net']));
    expect(ours).not.toContain('gone-two-months.example.net');
    expect(ours).not.toContain('restarted.example.net');
  });

  it('reads the fleet without parallel workers, even where the planner would take them (from about 200,000 endpoints)', async () => {
    // One connection, with parallel plans made free for the planner: left to itself it scans the
    // summary with workers, each a new process for one query; fleetRead's settings keep the scan in
    // the connection's own backend.
    const reader = createMigDataSource(t.database.url, { poolSize: 1 });
    await reader.initialize();
    try {
      await reader.query(`SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0`);
      const quietScan = `EXPLAIN SELECT name FROM mig_data_endpoints WHERE last_heartbeat >= $1 AND last_heartbeat < $2`;
      const windows = [ago(30 * DAY), ago(5 * MINUTE)];
      const plan = (rows: Array<Record<string, string>>) => rows.map((row) => row['QUERY PLAN']).join('\n');
      expect(plan(await reader.query(quietScan, windows))).toContain('Gather');
      expect(plan(await fleetRead(reader, quietScan, windows))).not.toContain('Gather');
    } finally {
      await reader.destroy();
    }
  });

  it('lists double agents as the seed §2.3 query does, with the count, by queueloc', async () => {
    const compare = async (window: number | undefined, seedSql: string) => {
      const { doubleAgents } = await t.clients.fleet.listDoubleAgents({ window: window === undefined ? undefined : { seconds: window * 60, nanos: 0 }, pageSize: 0, pageToken: '' });
      const { rows } = await t.sql.query(seedSql);
      const seed = rows.map((row) => ({ count: Number(row.count), queueloc: row.queueloc as string }));
      // The seed orders by count; pages follow queueloc (counts move while a reader pages).
      seed.sort((a, b) => (a.queueloc < b.queueloc ? -1 : 1));
      expect(doubleAgents).toEqual(seed);
      return doubleAgents;
    };
    const tenMinutes = await compare(undefined, SEED_DOUBLE_AGENTS);
    expect(tenMinutes).toContainEqual({ count: 3, queueloc: 'linux.puppet3.private.dc1.example.net' });
    expect(tenMinutes).toContainEqual({ count: 2, queueloc: 'linux.mv1.mv.example.net' });
    expect(tenMinutes.map((d) => d.queueloc)).not.toContain('linux.restarted.example.net');
    const halfHour = await compare(30, withWindows(SEED_DOUBLE_AGENTS, ['30 minutes']));
    expect(halfHour).toContainEqual({ count: 2, queueloc: 'linux.restarted.example.net' });
  });

  it("lists multi-agent queues as MIG's scheduler did, leaving checkin-mode agents out", async () => {
    const since = ago(15 * MINUTE);
    const { queuelocs } = await t.clients.fleet.listMultiAgentQueues({ since, pageSize: 0, pageToken: '' });
    const { rows } = await t.sql.query(`SELECT queueloc FROM agents WHERE heartbeattime > $1 AND mode != 'checkin' GROUP BY queueloc HAVING COUNT(queueloc) > 1`, [since]);
    expect(queuelocs).toEqual(rows.map((row) => row.queueloc).sort());
    expect(queuelocs).toContain('linux.puppet3.private.dc1.example.net');
    expect(queuelocs).not.toContain('linux.mixed.example.net');
  });

  it("lists active agents (distinct queueloc and name) as MIG's AgentsActiveSince did", async () => {
    const since = ago(15 * MINUTE);
    const { agents, nextPageToken } = await t.clients.fleet.listActiveAgents({ since, pageSize: 100_000, pageToken: '' });
    const { rows } = await t.sql.query(
      `SELECT DISTINCT(agents.queueloc), agents.name FROM agents WHERE agents.heartbeattime >= $1 AND agents.heartbeattime <= NOW() GROUP BY agents.queueloc, agents.name`,
      [since],
    );
    const key = (a: { queueloc: string; name: string }) => `${a.queueloc}\u0000${a.name}`;
    expect(agents.map(key)).toEqual(rows.map(key).sort());
    expect(nextPageToken).toBe('');
    expect(await grpcCode(t.clients.fleet.listActiveAgents({ since: undefined, pageSize: 0, pageToken: '' }))).toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringContaining('since') });
  });

  it('lists the active agents of one queue, newest (highest id) first', async () => {
    const queueloc = 'linux.puppet3.private.dc1.example.net';
    const since = ago(10 * MINUTE);
    const { agents } = await t.clients.fleet.listActiveAgentsByQueue({ queueloc, since, pageSize: 0, pageToken: '' });
    const { rows } = await t.sql.query(`SELECT id FROM agents WHERE queueloc = $1 AND heartbeattime > $2 AND status <> 'offline' ORDER BY id DESC`, [queueloc, since]);
    expect(agents.map((a) => a.id)).toEqual(rows.map((row) => Number(row.id)));
    expect(agents.map((a) => a.pid).sort()).toEqual([1, 2, 3]);
    expect(await grpcCode(t.clients.fleet.listActiveAgentsByQueue({ queueloc: ' ', since: ago(1), pageSize: 0, pageToken: '' }))).toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringContaining('queueloc') });
  });

  it('refuses a zero or negative window, naming it', async () => {
    const refused = await grpcCode(t.clients.fleet.listOfflineAgents({ seenWithin: undefined, silentFor: { seconds: -60, nanos: 0 }, pageSize: 0, pageToken: '' }));
    expect(refused).toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringContaining('silent_for') });
  });

  it('marks silent online agents idle, silent idle agents offline, and a later heartbeat registers a new agent', async () => {
    const idleBefore = ago(5 * MINUTE);
    const { rows: expected } = await t.sql.query(`SELECT count(*)::int AS n FROM agents WHERE status = 'online' AND heartbeattime < $1`, [idleBefore]);
    const { markedCount } = await t.clients.fleet.markIdleAgents({ heartbeatBefore: idleBefore });
    expect(markedCount).toBe(expected[0].n);
    const { rows: stillOnline } = await t.sql.query(`SELECT count(*)::int AS n FROM agents WHERE status = 'online' AND heartbeattime < $1`, [idleBefore]);
    expect(stillOnline[0].n).toBe(0);

    const offlineBefore = ago(30 * MINUTE);
    const { rows: idleOld } = await t.sql.query(`SELECT count(*)::int AS n FROM agents WHERE status = 'idle' AND heartbeattime < $1`, [offlineBefore]);
    expect((await t.clients.fleet.markOfflineAgents({ heartbeatBefore: offlineBefore })).markedCount).toBe(idleOld[0].n);
    const { rows: gone } = await t.sql.query(`SELECT id, status FROM agents WHERE name = 'gone-a-week.example.net'`);
    expect(gone[0].status).toBe('offline');

    const back = await t.clients.agents.recordHeartbeat({ heartbeat: heartbeat('gone-a-week.example.net', { queueloc: 'linux.gone-a-week.example.net' }) });
    expect(back.registered).toBe(true);
    expect(back.agentId).not.toBe(Number(gone[0].id));
  });

  it('marks an agent upgraded, or destroyed with its destruction time; unknown ids are NOT_FOUND', async () => {
    const { agents } = await t.clients.fleet.listActiveAgentsByQueue({ queueloc: 'linux.mv1.mv.example.net', since: ago(10 * MINUTE), pageSize: 0, pageToken: '' });
    const upgraded = await t.clients.fleet.markAgentUpgraded({ id: agents[1].id });
    expect(upgraded.agent).toMatchObject({ id: agents[1].id, status: 'upgraded' });
    const destructiontime = new Date('2026-11-28T12:00:00Z');
    const destroyed = await t.clients.fleet.markAgentDestroyed({ id: agents[0].id, destructiontime });
    expect(destroyed.agent).toMatchObject({ id: agents[0].id, status: 'destroyed', destructiontime });
    const { rows } = await t.sql.query(`SELECT status, destructiontime FROM agents WHERE id = $1`, [agents[0].id]);
    expect(rows[0]).toEqual({ status: 'destroyed', destructiontime });
    expect((await grpcCode(t.clients.fleet.markAgentDestroyed({ id: 1, destructiontime: undefined }))).code).toBe(status.NOT_FOUND);
    expect((await grpcCode(t.clients.fleet.markAgentUpgraded({ id: 0 }))).code).toBe(status.INVALID_ARGUMENT);
  });

  it("computes and stores fleet statistics that agree with MIG's own statistics queries", async () => {
    const { stats } = await t.clients.fleet.createAgentsStats({});
    const count = async (sql: string) => Number((await t.sql.query(sql)).rows[0].count);
    const byVersion = async (sql: string) => (await t.sql.query(sql)).rows.map((row) => ({ version: row.version, count: Number(row.count) })).sort((a, b) => (a.version < b.version ? -1 : 1));
    // The original's queries (mig database/agents.go), with NOW() for its Go-side times.
    const onlineByVersion = await byVersion(`SELECT COUNT(*), version FROM agents WHERE agents.status='online' GROUP BY version`);
    const idleByVersion = await byVersion(`SELECT COUNT(*), version FROM agents WHERE agents.status='idle' AND agents.queueloc NOT IN (SELECT distinct(queueloc) FROM agents WHERE agents.status='online') GROUP BY version`);
    expect(stats).toEqual({
      timestamp: expect.any(Date),
      onlineAgents: onlineByVersion.reduce((sum, v) => sum + v.count, 0),
      onlineAgentsByVersion: onlineByVersion,
      onlineEndpoints: await count(`SELECT COUNT(DISTINCT(queueloc)) FROM agents WHERE status='online'`),
      idleAgents: idleByVersion.reduce((sum, v) => sum + v.count, 0),
      idleAgentsByVersion: idleByVersion,
      idleEndpoints: await count(`SELECT COUNT(*) FROM (SELECT queueloc FROM agents WHERE status='idle' AND queueloc NOT IN (SELECT queueloc FROM agents WHERE status='online' GROUP BY queueloc) GROUP BY queueloc) AS idleendpoints`),
      newEndpoints: await count(`SELECT COUNT(*) FROM (SELECT queueloc FROM agents WHERE queueloc NOT IN (SELECT queueloc FROM agents WHERE heartbeattime > NOW() - interval '7 days' AND heartbeattime < NOW() - interval '1 day' GROUP BY queueloc) AND starttime > NOW() - interval '1 day' GROUP BY queueloc) AS newendpoints`),
      multiAgentsEndpoints: await count(`SELECT COUNT(*) FROM (SELECT queueloc FROM agents WHERE queueloc IN (SELECT queueloc FROM agents WHERE status='online' GROUP BY queueloc HAVING count(queueloc) > 1) GROUP BY queueloc) AS doubleagents`),
      disappearedEndpoints: await count(`SELECT COUNT(*) FROM (SELECT queueloc FROM agents WHERE status='offline' AND heartbeattime > NOW() - interval '7 days' AND queueloc NOT IN (SELECT queueloc FROM agents WHERE status='idle' or status='online' GROUP BY queueloc) GROUP BY queueloc) AS disappeared`),
      flappingEndpoints: await count(`SELECT COUNT(*) FROM (SELECT queueloc FROM agents WHERE status='online' OR status='idle' GROUP BY queueloc HAVING count(queueloc) > 1) AS flapping`),
    });
    expect(stats!.onlineAgents).toBeGreaterThan(0);
    expect(stats!.idleAgents).toBeGreaterThan(0);
    expect(stats!.newEndpoints).toBeGreaterThan(0);
    expect(stats!.disappearedEndpoints).toBeGreaterThan(0);

    const { stats: latest } = await t.clients.fleet.listAgentsStats({ pageSize: 1, pageToken: '' });
    expect(latest).toEqual([stats]);
    const { rows } = await t.sql.query(`SELECT online_agents, online_agents_by_version FROM agents_stats ORDER BY timestamp DESC LIMIT 1`);
    expect(Number(rows[0].online_agents)).toBe(stats!.onlineAgents);
    expect(rows[0].online_agents_by_version).toEqual(stats!.onlineAgentsByVersion);
  });
});
