import { heartbeat } from './support/fixtures';
import { startTestService, type TestService } from './support/test-service';

// Batches of known agents run side by side (no lock); only registering is serialised. Calls that
// overlap, in different orders, must neither register an agent twice nor fail on a deadlock.
describe('RecordHeartbeats called concurrently with overlapping batches', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(() => t.stop());

  const hosts = Array.from({ length: 200 }, (_, i) => `overlap${i}.example.net`);
  // Each call sends every host, in its own order: row locks are taken in different orders.
  const orders = [hosts, [...hosts].reverse(), [...hosts.slice(100), ...hosts.slice(0, 100)], hosts.filter((_, i) => i % 2 === 0).concat(hosts.filter((_, i) => i % 2 === 1))];
  const sendAll = () => Promise.all(orders.map((order) => t.clients.agents.recordHeartbeats({ heartbeats: order.map((host) => heartbeat(host)) })));

  it('registers each new agent once, and every call reports the same agent for a host', async () => {
    const responses = await sendAll();
    const { rows } = await t.sql.query(`SELECT name, count(*)::int AS n, min(id) AS id FROM agents WHERE name LIKE 'overlap%' GROUP BY name`);
    expect(rows).toHaveLength(hosts.length);
    expect(rows.every((row) => row.n === 1)).toBe(true);
    const idByHost = new Map(rows.map((row) => [row.name as string, Number(row.id)]));
    responses.forEach((response, call) => {
      expect(response.results.map((result) => result.agentId)).toEqual(orders[call].map((host) => idByHost.get(host)));
    });
    const registered = responses.flatMap((response) => response.results.filter((result) => result.registered));
    expect(registered).toHaveLength(hosts.length);
  });

  it('updates known agents from overlapping calls without a failure or a new row', async () => {
    for (let round = 0; round < 5; round++) {
      const responses = await sendAll();
      expect(responses.flatMap((response) => response.results).some((result) => result.registered)).toBe(false);
    }
    const { rows } = await t.sql.query(`SELECT count(*)::int AS n, count(*) FILTER (WHERE status = 'online')::int AS online FROM agents WHERE name LIKE 'overlap%'`);
    expect(rows[0]).toEqual({ n: hosts.length, online: hosts.length });
  });
});
