import { backfillLiveAgents, FleetRepository, loadFleet, runMigAgentsStats, type LiveAgentsBackfillProgress } from '@mig-data/database';
import { LIVE_AGENTS_DRIFT } from './support/live-agents-drift';
import { MIG_SCHEDULER_STATEMENTS } from './support/mig-database-sql';
import { startTestService, type TestService } from './support/test-service';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/**
 * mig_data_live_agents holds exactly the agents whose status is online or idle, whoever writes
 * agents and however: the service's registrations and heartbeats, its status sweeps, MIG's own
 * statements as MIG's roles, queue moves, version and id changes, deletes and a truncate. After
 * each write the table is compared with agents both ways, and the statistics snapshot read from
 * it with MIG's own statistics SQL.
 */
describe('the live agents table stays exact against agents', () => {
  const now = new Date(Math.floor(Date.now() / SECOND) * SECOND);
  let t: TestService;
  let fleet: FleetRepository;

  beforeAll(async () => {
    t = await startTestService(() => now);
    fleet = new FleetRepository(t.service.dataSource);
    await loadFleet(t.sql, { endpoints: 400, agents: 4_000, days: 30, now });
  }, 300_000);
  afterAll(() => t?.stop());

  const rows = async (sql: string, parameters: unknown[] = []) => (await t.sql.query(sql, parameters)).rows;


  async function liveCount(status: string): Promise<number> {
    return (await rows(`SELECT count(*)::int AS n FROM mig_data_live_agents WHERE status = $1`, [status]))[0].n;
  }

  async function expectExactAndStatsAgree(): Promise<void> {
    expect(await rows(LIVE_AGENTS_DRIFT)).toEqual([]);
    const { stats } = await t.clients.fleet.createAgentsStats({});
    expect(stats).toEqual({ timestamp: now, ...(await runMigAgentsStats(t.sql, now)) });
  }

  it('as loaded (inserts, then a heartbeat round)', async () => {
    expect(await liveCount('online')).toBeGreaterThan(300);
    await expectExactAndStatsAgree();
  });

  it('heartbeats of online agents write nothing to it; an idle or destroyed agent heartbeating comes (back) online', async () => {
    const live = await rows(`SELECT id, name, queueloc, pid, mode, version, starttime FROM agents WHERE status = 'online' ORDER BY id LIMIT 100`);
    const versionsBefore = await rows(`SELECT id, xmin::text AS xmin FROM mig_data_live_agents ORDER BY id`);
    await t.clients.agents.recordHeartbeats({
      heartbeats: live.map((a) => ({ name: a.name, queueloc: a.queueloc, pid: a.pid, mode: a.mode, version: a.version, starttime: a.starttime, heartbeatts: now, environment: undefined, tags: {} })),
    });
    expect(await rows(`SELECT count(*)::int AS n FROM agents WHERE id = ANY($1::numeric[]) AND heartbeattime = $2`, [live.map((a) => a.id), now])).toEqual([{ n: 100 }]);
    expect(await rows(`SELECT id, xmin::text AS xmin FROM mig_data_live_agents ORDER BY id`)).toEqual(versionsBefore);

    const [idle] = await rows(`UPDATE agents SET status = 'idle' WHERE id = (SELECT min(id) FROM agents WHERE status = 'online') RETURNING id::float8 AS id, name, queueloc, pid, mode, version, starttime`);
    const [destroyed] = await rows(`SELECT id::float8 AS id, name, queueloc, pid, mode, version, starttime FROM agents WHERE status = 'destroyed' ORDER BY id LIMIT 1`);
    expect(await rows(`SELECT status FROM mig_data_live_agents WHERE id = $1`, [idle.id])).toEqual([{ status: 'idle' }]);
    const { results } = await t.clients.agents.recordHeartbeats({
      heartbeats: [idle, destroyed].map((a) => ({ name: a.name, queueloc: a.queueloc, pid: a.pid, mode: a.mode, version: a.version, starttime: a.starttime, heartbeatts: now, environment: undefined, tags: {} })),
    });
    expect(results).toEqual([{ agentId: idle.id, registered: false }, { agentId: destroyed.id, registered: false }]);
    expect(await rows(`SELECT id::float8 AS id, status FROM mig_data_live_agents WHERE id = ANY($1::numeric[]) ORDER BY id`, [[idle.id, destroyed.id]])).toEqual(
      [idle.id, destroyed.id].sort((a, b) => a - b).map((id) => ({ id, status: 'online' })),
    );
    await expectExactAndStatsAgree();
  });

  it('registrations through the service join it', async () => {
    const { results } = await t.clients.agents.recordHeartbeats({
      heartbeats: Array.from({ length: 20 }, (_, i) => ({
        name: `registered${i}.example.net`, queueloc: `linux.registered${i}.example.net.1`, pid: 100 + i, mode: 'daemon', version: 'registered-1', starttime: now, heartbeatts: now, environment: undefined, tags: {},
      })),
    });
    expect(results.every((result) => result.registered)).toBe(true);
    expect(await rows(`SELECT count(*)::int AS n FROM mig_data_live_agents WHERE version = 'registered-1' AND status = 'online'`)).toEqual([{ n: 20 }]);
    await expectExactAndStatsAgree();
  });

  it('the status sweeps: online agents go idle, idle ones offline and leave it', async () => {
    const online = await liveCount('online');
    const wentIdle = await fleet.markIdle(new Date(now.getTime() - 30 * SECOND));
    expect(wentIdle).toBeGreaterThan(50);
    expect(await liveCount('online')).toBe(online - wentIdle);
    await expectExactAndStatsAgree();
    const idle = await liveCount('idle');
    const wentOffline = await fleet.markOffline(new Date(now.getTime() - 45 * SECOND));
    expect(wentOffline).toBeGreaterThan(10);
    expect(await liveCount('idle')).toBe(idle - wentOffline);
    await expectExactAndStatsAgree();
  });

  it("MIG's own statements as MIG's scheduler: registration, heartbeat, replacement, destruction", async () => {
    const sqlOf = (method: string) => MIG_SCHEDULER_STATEMENTS.find((statement) => statement.method === method)!.sql;
    const [{ id: offline }] = await rows(`SELECT max(id)::float8 AS id FROM agents WHERE status = 'offline'`);
    const [{ id: online }] = await rows(`SELECT max(id)::float8 AS id FROM agents WHERE status = 'online'`);
    const [{ id: idle }] = await rows(`SELECT max(id)::float8 AS id FROM agents WHERE status = 'idle'`);
    const client = await t.sql.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL ROLE migscheduler');
      await client.query(sqlOf('InsertAgent'), [
        900_000_001, 'mig-written.example.net', 'linux.mig-written.example.net.1', 'daemon', 'mig-1', 77, now, '0001-01-01 00:00:00+00', now, now, 'online', '{}', '{}',
      ]);
      await client.query(sqlOf('UpdateAgentHeartbeat'), ['online', now, offline]);
      await client.query(sqlOf('ReplaceRefreshedAgent'), ['offline', online]);
      await client.query(sqlOf('MarkAgentDestroyed'), [now, 'destroyed', idle]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
    expect(await rows(`SELECT id::float8 AS id, status FROM mig_data_live_agents WHERE id = ANY($1::numeric[]) ORDER BY id`, [[900_000_001, offline, online, idle]])).toEqual(
      [{ id: offline, status: 'online' }, { id: 900_000_001, status: 'online' }].sort((a, b) => a.id - b.id),
    );
    await expectExactAndStatsAgree();
  });

  it('queue moves, version changes, an id changed and statuses swapped in one statement', async () => {
    const [a, b, c] = await rows(`SELECT id::float8 AS id, queueloc FROM agents WHERE status = 'online' ORDER BY id LIMIT 3`);
    await t.sql.query(`UPDATE agents SET queueloc = $2 WHERE id = $1`, [a.id, b.queueloc]);
    await t.sql.query(`UPDATE agents SET version = 'upgraded-2' WHERE queueloc LIKE 'darwin.%' AND status IN ('online', 'idle')`);
    await t.sql.query(`UPDATE agents SET id = id + 1000000000 WHERE id = $1`, [c.id]);
    expect(await rows(`SELECT queueloc FROM mig_data_live_agents WHERE id = $1`, [a.id])).toEqual([{ queueloc: b.queueloc }]);
    expect(await rows(`SELECT queueloc FROM mig_data_live_agents WHERE id = $1`, [c.id + 1_000_000_000])).toEqual([{ queueloc: c.queueloc }]);
    expect(await rows(`SELECT 1 FROM mig_data_live_agents WHERE id = $1`, [c.id])).toEqual([]);
    expect(await rows(`SELECT count(*)::int AS n FROM mig_data_live_agents WHERE version = 'upgraded-2'`)).not.toEqual([{ n: 0 }]);
    // One statement turning some live agents offline and some offline ones online.
    const swapped = await rows(`
      UPDATE agents SET status = CASE WHEN status = 'offline' THEN 'online' ELSE 'offline' END
      WHERE id IN (SELECT id FROM agents WHERE status = 'offline' ORDER BY id LIMIT 5) OR id IN (SELECT id FROM agents WHERE status IN ('online', 'idle') ORDER BY id DESC LIMIT 5)
      RETURNING id`);
    expect(swapped).toHaveLength(10);
    await expectExactAndStatsAgree();
  });

  it('the backfill copies what is missing and takes the values agents holds, a few queues per step', async () => {
    await t.sql.query(`DELETE FROM mig_data_live_agents WHERE queueloc LIKE 'linux.%'`);
    await t.sql.query(`UPDATE mig_data_live_agents SET version = 'stale', status = 'idle' WHERE queueloc LIKE 'darwin.%'`);
    expect((await rows(LIVE_AGENTS_DRIFT)).length).toBeGreaterThan(100);
    const progress: LiveAgentsBackfillProgress[] = [];
    await backfillLiveAgents(t.sql, (step) => progress.push(step), 7);
    const live = (await rows(`SELECT count(*)::int AS n FROM agents WHERE status IN ('online', 'idle')`))[0].n;
    expect(progress.length).toBeGreaterThan(10);
    expect(progress.at(-1)).toMatchObject({ agentsDone: live });
    expect(await rows(LIVE_AGENTS_DRIFT)).toEqual([]);
  });

  it('deletes leave it, a truncate empties it, and a new load fills it again', async () => {
    const [{ queueloc }] = await rows(`SELECT queueloc FROM agents WHERE status = 'online' ORDER BY id LIMIT 1`);
    await t.sql.query(`DELETE FROM agents WHERE queueloc = $1`, [queueloc]);
    await t.sql.query(`DELETE FROM agents WHERE id IN (SELECT id FROM agents WHERE status = 'idle' ORDER BY id LIMIT 3)`);
    expect(await rows(`SELECT 1 FROM mig_data_live_agents WHERE queueloc = $1`, [queueloc])).toEqual([]);
    await expectExactAndStatsAgree();

    await t.sql.query(`TRUNCATE agents CASCADE`);
    expect(await rows(`SELECT count(*)::int AS n FROM mig_data_live_agents`)).toEqual([{ n: 0 }]);
    await loadFleet(t.sql, { endpoints: 100, agents: 1_000, days: 30, now: new Date(now.getTime() - MINUTE) });
    expect(await liveCount('online')).toBeGreaterThan(50);
    await expectExactAndStatsAgree();
  });
});
