import { heartbeat } from './support/fixtures';
import { SEED_DOUBLE_AGENTS, SEED_OFFLINE_AGENTS } from './support/seed-sql';
import { startTestService, type TestService } from './support/test-service';

// The operator queries of MIG's data page (§2.2 and §2.3), verbatim: see support/seed-sql.ts.

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

describe("the seed's operator queries on data written through the service", () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
    const at = (host: string, minutes: number, pid = 100) => heartbeat(host, { pid, heartbeatts: minutesAgo(minutes), queueloc: `linux.${host}` });
    await t.clients.agents.recordHeartbeats({
      heartbeats: [
        at('alive.example.net', 1),
        at('gone-an-hour.example.net', 60),
        at('gone-a-week.example.net', 7 * 24 * 60),
        at('gone-two-months.example.net', 60 * 24 * 60),
        // An upgrade that left the old agent running: three agents on one endpoint, two on another.
        at('puppet3.private.dc1.example.net', 2, 1),
        at('puppet3.private.dc1.example.net', 3, 2),
        at('puppet3.private.dc1.example.net', 4, 3),
        at('mv1.mv.example.net', 1, 1),
        at('mv1.mv.example.net', 2, 2),
        // Two agents on one endpoint, but one of them stopped long ago: not a double agent now.
        at('restarted.example.net', 1, 1),
        at('restarted.example.net', 20, 2),
      ],
    });
    // A name seen recently under one agent and long ago under another is not offline.
    await t.clients.agents.recordHeartbeat({ heartbeat: at('alive.example.net', 90, 7) });
  });
  afterAll(() => t.stop());

  it('§2.2 finds the agents seen in the last 30 days but not in the last 5 minutes', async () => {
    const { rows } = await t.sql.query(SEED_OFFLINE_AGENTS);
    expect(rows.map((row) => row.name)).toEqual(['gone-a-week.example.net', 'gone-an-hour.example.net']);
  });

  it('§2.3 finds the endpoints with several agents heartbeating in the last 10 minutes, largest first', async () => {
    const { rows } = await t.sql.query(SEED_DOUBLE_AGENTS);
    expect(rows.map((row) => [Number(row.count), row.queueloc])).toEqual([
      [3, 'linux.puppet3.private.dc1.example.net'],
      [2, 'linux.mv1.mv.example.net'],
    ]);
  });
});
