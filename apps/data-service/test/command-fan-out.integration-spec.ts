import { heartbeat } from './support/fixtures';
import { signedAction } from './support/signing';
import { startTestService, type TestService } from './support/test-service';

const FLEET = 100_000;

describe('creating the commands of one action for 100,000 agents', () => {
  let t: TestService;
  let agentIds: number[] = [];
  beforeAll(async () => {
    t = await startTestService();
    // The fleet arrives as a scheduler forwards heartbeats: in batches.
    for (let start = 0; start < FLEET; start += 10_000) {
      const heartbeats = Array.from({ length: 10_000 }, (_, i) => heartbeat(`fleet${start + i}.example.net`));
      const { results } = await t.clients.agents.recordHeartbeats({ heartbeats });
      agentIds = agentIds.concat(results.map((r) => r.agentId));
    }
  }, 300_000);
  afterAll(() => t.stop());

  it('creates them in one call, and the same call repeated creates none and returns the same ids', async () => {
    const actionId = (await t.clients.actions.createAction({ action: await signedAction(t) })).action!.id;

    const first = await t.clients.commands.createCommands({ actionId, agentIds, starttime: undefined });
    expect(first.createdCount).toBe(FLEET);
    expect(first.commandIds).toHaveLength(FLEET);
    expect(new Set(first.commandIds).size).toBe(FLEET);
    expect(first.agentIds).toEqual(agentIds);

    const repeated = await t.clients.commands.createCommands({ actionId, agentIds, starttime: undefined });
    expect(repeated.createdCount).toBe(0);
    expect(repeated.agentIds).toEqual(first.agentIds);
    expect(repeated.commandIds).toEqual(first.commandIds);

    const { rows } = await t.sql.query(`SELECT count(*)::int AS n, count(DISTINCT agentid)::int AS agents FROM commands WHERE actionid = $1`, [actionId]);
    expect(rows[0]).toEqual({ n: FLEET, agents: FLEET });
    const { action: counted } = await t.clients.actions.getAction({ id: actionId });
    expect(counted!.counters).toMatchObject({ sent: FLEET, inflight: FLEET, done: 0 });
  }, 300_000);
});
