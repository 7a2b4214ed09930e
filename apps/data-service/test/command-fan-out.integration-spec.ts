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
    expect(await refsNotStored(actionId, first)).toEqual([]);

    const repeated = await t.clients.commands.createCommands({ actionId, agentIds, starttime: undefined });
    expect(repeated.createdCount).toBe(0);
    expect(repeated.agentIds).toEqual(first.agentIds);
    expect(repeated.commandIds).toEqual(first.commandIds);

    const { rows } = await t.sql.query(`SELECT count(*)::int AS n, count(DISTINCT agentid)::int AS agents FROM commands WHERE actionid = $1`, [actionId]);
    expect(rows[0]).toEqual({ n: FLEET, agents: FLEET });
    const { action: counted } = await t.clients.actions.getAction({ id: actionId });
    expect(counted!.counters).toMatchObject({ sent: FLEET, inflight: FLEET, done: 0 });
  }, 300_000);

  it('answers the stored command of each agent when some of them had one already', async () => {
    const actionId = (await t.clients.actions.createAction({ action: await signedAction(t) })).action!.id;
    const everyThird = agentIds.filter((_, index) => index % 3 === 0);
    const before = await t.clients.commands.createCommands({ actionId, agentIds: everyThird, starttime: undefined });
    expect(before.createdCount).toBe(everyThird.length);

    const all = await t.clients.commands.createCommands({ actionId, agentIds, starttime: undefined });
    expect(all.createdCount).toBe(FLEET - everyThird.length);
    expect(all.agentIds).toEqual(agentIds);
    expect(await refsNotStored(actionId, all)).toEqual([]);
    expect(all.commandIds.filter((_, index) => index % 3 === 0)).toEqual(before.commandIds);
  }, 300_000);

  it('uses the ids the sequence handed out when they do not form one block', async () => {
    // Another session's nextval between ours breaks the block; an increment of 2 breaks it the
    // same way, every time: each id the call reserved is 2 above the one before.
    const actionId = (await t.clients.actions.createAction({ action: await signedAction(t) })).action!.id;
    const some = agentIds.slice(0, 1_000);
    await t.sql.query(`ALTER SEQUENCE mig_id_seq INCREMENT BY 2`);
    try {
      const answer = await t.clients.commands.createCommands({ actionId, agentIds: some, starttime: undefined });
      expect(answer.createdCount).toBe(some.length);
      expect(answer.commandIds.slice(1).map((id, index) => id - answer.commandIds[index])).toEqual(some.slice(1).map(() => 2));
      expect(await refsNotStored(actionId, answer)).toEqual([]);
    } finally {
      await t.sql.query(`ALTER SEQUENCE mig_id_seq INCREMENT BY 1`);
    }
  });

  /**
   * The answer's refs that differ from the stored commands (the first few), and a count mismatch:
   * empty when every stored command is answered for its own agent. Short, so that a failure with
   * 100,000 refs is reported at once instead of diffed.
   */
  async function refsNotStored(actionId: number, answer: { agentIds: number[]; commandIds: number[] }): Promise<string[]> {
    const { rows } = await t.sql.query(`SELECT agentid::bigint::text AS agent, id::bigint::text AS id FROM commands WHERE actionid = $1`, [actionId]);
    const stored = new Map(rows.map((row) => [Number(row.agent), Number(row.id)]));
    const wrong = answer.agentIds
      .map((agentId, index) => [agentId, answer.commandIds[index], stored.get(agentId)])
      .filter(([, answered, kept]) => answered !== kept)
      .map(([agentId, answered, kept]) => `agent ${agentId}: answered command ${answered}, stored ${kept}`);
    if (stored.size !== answer.agentIds.length) wrong.push(`${stored.size} commands stored, ${answer.agentIds.length} answered`);
    return wrong.slice(0, 5);
  }
});
