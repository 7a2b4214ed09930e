import { status } from '@grpc/grpc-js';
import { grpcCode, heartbeat, commandRefs } from './support/fixtures';
import { signedAction } from './support/signing';
import { startTestService, type TestService } from './support/test-service';

describe('ActionService and CommandService over gRPC', () => {
  let t: TestService;
  let agentIds: number[];
  beforeAll(async () => {
    t = await startTestService();
    const { results } = await t.clients.agents.recordHeartbeats({ heartbeats: Array.from({ length: 10 }, (_, i) => heartbeat(`flow${i}.example.net`)) });
    agentIds = results.map((r) => r.agentId);
  });
  afterAll(() => t.stop());

  it('creates an action, fans it out to commands, finishes some, and counts them right', async () => {
    const created = await t.clients.actions.createAction({ action: await signedAction(t) });
    const actionId = created.action!.id;
    expect(actionId).toBeGreaterThan(0);
    expect(created.action).toMatchObject({ status: 'pending', syntaxversion: 2, counters: { sent: 0, done: 0 } });
    expect(created.action!.operations[0].parameters).toEqual({ searches: { s1: { names: ['fusermount'], paths: ['/usr'] } } });

    const fannedOut = await t.clients.commands.createCommands({ actionId, agentIds, starttime: undefined });
    expect(fannedOut.createdCount).toBe(10);
    const commands = commandRefs(fannedOut);
    expect(commands.map((c) => c.agentId)).toEqual(agentIds);
    for (const next of ['scheduled', 'preparing', 'inflight']) await t.clients.actions.updateActionStatus({ id: actionId, status: next });

    const finish = (index: number, finalStatus: string) =>
      t.clients.commands.finishCommand({
        id: commands[index].id,
        status: finalStatus,
        results: [{ foundanything: finalStatus === 'success', elements: {} }],
        finishtime: undefined,
        agentQueueloc: `linux.flow${index}.example.net.abcdef`,
        agentPid: 4242,
      });
    await finish(0, 'success');
    await finish(1, 'success');
    await finish(2, 'failed');
    await finish(3, 'timeout');

    const { action: counted } = await t.clients.actions.getAction({ id: actionId });
    expect(counted!.counters).toEqual({ sent: 10, done: 4, inflight: 6, success: 2, cancelled: 0, expired: 0, failed: 1, timeout: 1 });

    // Finishing with commands in flight needs force; afterwards the action is completed.
    expect(await grpcCode(t.clients.actions.finishAction({ id: actionId, finishtime: undefined, force: false }))).toEqual({
      code: status.FAILED_PRECONDITION,
      details: `action ${actionId} still has 6 of 10 commands in flight; finish them first or set force`,
    });
    for (let i = 4; i < 10; i++) await finish(i, 'success');
    const { action: finished } = await t.clients.actions.finishAction({ id: actionId, finishtime: undefined, force: false });
    expect(finished).toMatchObject({ status: 'completed', counters: { sent: 10, done: 10, inflight: 0, success: 8 } });
    expect(finished!.finishtime).toBeInstanceOf(Date);
  });

  it('never overwrites a success, and only the owning live agent may finish a command', async () => {
    const actionId = (await t.clients.actions.createAction({ action: await signedAction(t) })).action!.id;
    const [ref] = commandRefs(await t.clients.commands.createCommands({ actionId, agentIds: [agentIds[0]], starttime: undefined }));
    const returned = { id: ref.id, results: [{ foundanything: true }], finishtime: undefined, agentQueueloc: 'linux.flow0.example.net.abcdef', agentPid: 4242 };

    const stranger = await grpcCode(t.clients.commands.finishCommand({ ...returned, status: 'success', agentQueueloc: 'linux.flow1.example.net.abcdef' }));
    expect(stranger.code).toBe(status.FAILED_PRECONDITION);

    expect((await t.clients.commands.finishCommand({ ...returned, status: 'success' })).overwritten).toBe(true);
    const late = await t.clients.commands.finishCommand({ ...returned, status: 'timeout', results: [] });
    expect(late.overwritten).toBe(false);
    expect(late.command).toMatchObject({ status: 'success', results: [{ foundanything: true }] });
    const resent = await grpcCode(t.clients.commands.markCommandSent({ id: ref.id }));
    expect(resent).toEqual({ code: status.FAILED_PRECONDITION, details: `command ${ref.id} is success: only prepared can change to sent` });

    const { command } = await t.clients.commands.getCommand({ id: ref.id });
    expect(command).toMatchObject({ id: ref.id, actionId, agentId: agentIds[0], status: 'success' });
    expect(command!.action).toMatchObject({ id: actionId, name: 'find fusermount' });
    expect(command!.agent).toMatchObject({ id: agentIds[0], queueloc: 'linux.flow0.example.net.abcdef' });
  });

  it('lets the spool return an unanswered command as expired without naming an agent, even one gone offline; nothing else', async () => {
    const actionId = (await t.clients.actions.createAction({ action: await signedAction(t) })).action!.id;
    const [first, second] = (await t.clients.commands.createCommands({ actionId, agentIds: [agentIds[5], agentIds[6]], starttime: undefined })).commandIds;
    await t.sql.query(`UPDATE agents SET status = 'offline' WHERE id = $1`, [agentIds[5]]);
    const bySpool = { results: [], finishtime: undefined, agentQueueloc: '', agentPid: 0 };
    expect(await grpcCode(t.clients.commands.finishCommand({ ...bySpool, id: first, status: 'success' }))).toMatchObject({ code: status.INVALID_ARGUMENT });
    expect((await t.clients.commands.finishCommand({ ...bySpool, id: first, status: 'expired' })).command).toMatchObject({ status: 'expired' });
    // The agent's late answer still replaces the expiry; an expiry never replaces a success.
    await t.clients.commands.finishCommand({ id: second, status: 'success', results: [{ foundanything: true }], finishtime: undefined, agentQueueloc: 'linux.flow6.example.net.abcdef', agentPid: 4242 });
    const late = await t.clients.commands.finishCommand({ ...bySpool, id: second, status: 'expired' });
    expect(late).toMatchObject({ overwritten: false, command: { status: 'success' } });
    await t.sql.query(`UPDATE agents SET status = 'online' WHERE id = $1`, [agentIds[5]]);
  });

  it('lists an action page by page and moves its status, refusing unknown ones', async () => {
    const actionId = (await t.clients.actions.createAction({ action: await signedAction(t, { name: 'status walk' }) })).action!.id;
    for (const next of ['scheduled', 'preparing', 'inflight']) {
      expect((await t.clients.actions.updateActionStatus({ id: actionId, status: next })).action!.status).toBe(next);
    }
    expect((await grpcCode(t.clients.actions.updateActionStatus({ id: actionId, status: 'exploded' }))).code).toBe(status.INVALID_ARGUMENT);
    expect((await t.clients.actions.updateActionStatus({ id: actionId, status: 'cancelled' })).action!.status).toBe('cancelled');
    expect((await grpcCode(t.clients.actions.updateActionStatus({ id: actionId, status: 'inflight' }))).code).toBe(status.FAILED_PRECONDITION);
    expect((await grpcCode(t.clients.commands.createCommands({ actionId, agentIds, starttime: undefined }))).code).toBe(status.FAILED_PRECONDITION);

    const latest = await t.clients.actions.listActions({ pageSize: 1, pageToken: '' });
    expect(latest.actions).toHaveLength(1);
    expect(latest.nextPageToken).not.toBe('');
    const cancelled = await t.clients.actions.listActions({ status: 'cancelled', pageSize: 10, pageToken: '' });
    expect(cancelled.actions.map((a) => a.id)).toEqual([actionId]);
  });

  it("creates each agent's command once when calls for one action race, overlap or repeat, and all of them answer the same ids", async () => {
    const actionId = (await t.clients.actions.createAction({ action: await signedAction(t) })).action!.id;
    const lists = [agentIds.slice(0, 6), agentIds.slice(3), agentIds, [...agentIds].reverse(), [agentIds[5], agentIds[5], agentIds[1]], agentIds.slice(0, 6)];
    const answers = await Promise.all(lists.map((list) => t.clients.commands.createCommands({ actionId, agentIds: list, starttime: undefined })));
    expect(answers.reduce((sum, answer) => sum + answer.createdCount, 0)).toBe(agentIds.length);
    expect(answers[4].agentIds).toEqual([agentIds[5], agentIds[1]]);
    const commandOf = new Map<number, number>();
    for (const [index, answer] of answers.entries()) {
      expect(answer.agentIds).toEqual([...new Set(lists[index])]);
      for (const ref of commandRefs(answer)) {
        expect(commandOf.get(ref.agentId) ?? ref.id).toBe(ref.id);
        commandOf.set(ref.agentId, ref.id);
      }
    }
    const { rows } = await t.sql.query(`SELECT agentid, id FROM commands WHERE actionid = $1 ORDER BY agentid`, [actionId]);
    expect(rows.map((row) => [Number(row.agentid), Number(row.id)])).toEqual([...commandOf.entries()].sort((a, b) => a[0] - b[0]));
  });

  it('answers NOT_FOUND for unknown actions, commands and agents of a fan-out, and stores nothing', async () => {
    const actionId = (await t.clients.actions.createAction({ action: await signedAction(t) })).action!.id;
    const unknownAgent = await grpcCode(t.clients.commands.createCommands({ actionId, agentIds: [agentIds[0], 2 ** 53 - 1], starttime: undefined }));
    expect(unknownAgent.code).toBe(status.NOT_FOUND);
    expect(unknownAgent.details).toContain(String(2 ** 53 - 1));
    const { rows } = await t.sql.query(`SELECT count(*)::int AS n FROM commands WHERE actionid = $1`, [actionId]);
    expect(rows[0].n).toBe(0);

    expect((await grpcCode(t.clients.actions.getAction({ id: 2 ** 53 - 1 }))).code).toBe(status.NOT_FOUND);
    expect((await grpcCode(t.clients.commands.getCommand({ id: 2 ** 53 - 1 }))).code).toBe(status.NOT_FOUND);
    expect((await grpcCode(t.clients.commands.createCommands({ actionId: 2 ** 53 - 1, agentIds, starttime: undefined }))).code).toBe(status.NOT_FOUND);
  });
});

describe('ClaimPendingActions', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(() => t.stop());

  it('hands each runnable pending action to exactly one of several concurrent claimers', async () => {
    const runnable = await Promise.all(Array.from({ length: 30 }, async (_, i) => t.clients.actions.createAction({ action: await signedAction(t, { name: `claim ${i}` }) })));
    const future = await t.clients.actions.createAction({ action: await signedAction(t, { name: 'later', validfrom: new Date(Date.now() + 600_000) }) });

    const claims = await Promise.all(Array.from({ length: 6 }, () => t.clients.actions.claimPendingActions({ limit: 7 })));
    const claimedIds = claims.flatMap((claim) => claim.actions.map((a) => a.id));
    expect(claimedIds).toHaveLength(30);
    expect(new Set(claimedIds)).toEqual(new Set(runnable.map((r) => r.action!.id)));
    expect(claims.flatMap((claim) => claim.actions).every((a) => a.status === 'scheduled')).toBe(true);

    expect((await t.clients.actions.claimPendingActions({ limit: 10 })).actions).toEqual([]);
    expect((await t.clients.actions.getAction({ id: future.action!.id })).action!.status).toBe('pending');
    expect((await grpcCode(t.clients.actions.claimPendingActions({ limit: 0 }))).code).toBe(status.INVALID_ARGUMENT);
  });
});
