import { loadFleet } from '@mig-data/database';
import { SEED_DOUBLE_AGENTS, SEED_OFFLINE_AGENTS } from './support/seed-sql';
import { startTestService, type TestService } from './support/test-service';

describe('loadFleet: a generated fleet the seed queries and the service agree on', () => {
  let t: TestService;
  let progress: Array<{ endpoints: number; agents: number }>;
  beforeAll(async () => {
    t = await startTestService();
    progress = [];
    const loaded = await loadFleet(t.service.dataSource, { endpoints: 1000, agents: 10_500, days: 30, batchEndpoints: 400, onProgress: (p) => progress.push(p) });
    expect(loaded).toMatchObject({ endpoints: 1000, agents: 10_500 });
  });
  afterAll(() => t.stop());

  it('writes the shape it documents: endpoints, agents, history, operating systems, statuses', async () => {
    expect(progress).toEqual([
      { endpoints: 400, agents: 4400 },
      { endpoints: 800, agents: 8500 },
      { endpoints: 1000, agents: 10_500 },
    ]);
    const { rows } = await t.sql.query(`
      SELECT count(*)::int AS agents, count(DISTINCT queueloc)::int AS endpoints,
             count(DISTINCT queueloc) FILTER (WHERE queueloc LIKE 'linux.%')::int AS linux,
             count(*) FILTER (WHERE status = 'online')::int AS online,
             count(*) FILTER (WHERE heartbeattime < starttime)::int AS backwards,
             (min(heartbeattime) > now() - interval '61 days') AS within_history,
             count(DISTINCT name)::int AS names,
             count(*) FILTER (WHERE status = 'destroyed')::int AS destroyed,
             count(*) FILTER (WHERE destructiontime IS DISTINCT FROM '9998-01-11T11:11:11Z')::int AS not_migs_undestroyed
      FROM agents`);
    // Online: every endpoint's latest agent, but the 20 silent, the 10 whose agent died and the 4 that
    // stopped exactly 30 or 7 days ago; plus the 10 double agents' second one. The history of those
    // that stopped 30 days ago reaches 60 days back. Ten hosts bear a silent neighbour's name.
    expect(rows[0]).toEqual({ agents: 10_500, endpoints: 1000, linux: 700, online: 1000 - 20 - 10 - 4 + 10, backwards: 0, within_history: true, names: 990, destroyed: 10, not_migs_undestroyed: 10 });
  });

  it('answers offline and double agents as the seed queries do: silent endpoints, dead agents, 1% running two agents', async () => {
    const { names } = await t.clients.fleet.listOfflineAgents({ seenWithin: undefined, silentFor: undefined, pageSize: 0, pageToken: '' });
    expect(names).toEqual((await t.sql.query(SEED_OFFLINE_AGENTS)).rows.map((row) => row.name));
    // 10 silent hosts alone under their name (the other 10 share it with a live host), 10 whose agent
    // died, 2 silent for exactly 7 days, 2 whose last heartbeat was exactly 5 minutes before the load's end.
    expect(names).toHaveLength(24);
    const { doubleAgents } = await t.clients.fleet.listDoubleAgents({ window: undefined, pageSize: 0, pageToken: '' });
    const seed = (await t.sql.query(SEED_DOUBLE_AGENTS)).rows.map((row) => ({ count: Number(row.count), queueloc: row.queueloc as string }));
    expect(doubleAgents).toEqual(seed.sort((a, b) => (a.queueloc < b.queueloc ? -1 : 1)));
    expect(doubleAgents).toHaveLength(10);
  });

  it('continues numbering when loaded again', async () => {
    await loadFleet(t.service.dataSource, { endpoints: 10, agentsPerEndpoint: 2 });
    const { rows } = await t.sql.query(`SELECT count(DISTINCT queueloc)::int AS endpoints, max(substring(queueloc FROM 'host([0-9]+)')::int) AS last FROM agents`);
    expect(rows[0]).toEqual({ endpoints: 1010, last: 1010 });
  });
});
