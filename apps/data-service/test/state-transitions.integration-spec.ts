import { status } from '@grpc/grpc-js';
import type { Action } from '@mig-data/contract';
import {
  ACTION_STATUSES,
  ACTION_TRANSITIONS,
  COMMAND_STATUSES,
  COMMAND_TRANSITIONS,
  transitionOutcome,
  type ActionStatus,
  type CommandStatus,
} from '@mig-data/domain';
import { heartbeat } from './support/fixtures';
import { signedAction } from './support/signing';
import { startTestService, type TestService } from './support/test-service';

const ROUNDS = 50;
/** Rounds run this many at a time, each round's two calls sent at the same moment. */
const CONCURRENT_ROUNDS = 10;
const AGENTS = 8;

interface Settled<T> {
  ok?: T;
  code?: number;
  details?: string;
}

async function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: await promise };
  } catch (error) {
    const { code, details } = error as { code: number; details: string };
    return { code, details };
  }
}

/** `count` rounds, CONCURRENT_ROUNDS at a time. */
async function rounds<T>(count: number, round: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < count; start += CONCURRENT_ROUNDS) {
    results.push(...(await Promise.all(Array.from({ length: Math.min(CONCURRENT_ROUNDS, count - start) }, (_, i) => round(start + i)))));
  }
  return results;
}

describe('status changes follow the one transition table, atomically', () => {
  let t: TestService;
  let signed: Action;
  let agents: Array<{ id: number; queueloc: string }>;

  beforeAll(async () => {
    t = await startTestService();
    const heartbeats = Array.from({ length: AGENTS }, (_, i) => heartbeat(`transition${i}.example.net`));
    const { results } = await t.clients.agents.recordHeartbeats({ heartbeats });
    agents = results.map((r, i) => ({ id: r.agentId, queueloc: heartbeats[i].queueloc }));
    // MIG's signature covers no id: one signed action is stored again and again, each time a new id.
    signed = await signedAction(t, { name: 'transition walk' });
  });
  afterAll(() => t.stop());

  /** A stored action put straight into `from` (some statuses have no RPC from a new action). */
  async function actionIn(from: ActionStatus): Promise<number> {
    const id = (await t.clients.actions.createAction({ action: signed })).action!.id;
    await t.sql.query(`UPDATE actions SET status = $2 WHERE id = $1`, [id, from]);
    return id;
  }

  async function actionRow(id: number) {
    const { rows } = await t.sql.query(`SELECT status, lastupdatetime, finishtime FROM actions WHERE id = $1`, [id]);
    return rows[0];
  }

  /** One command per agent of a new action, each put straight into `from`. */
  async function commandsIn(from: CommandStatus, count = AGENTS): Promise<Array<{ id: number; queueloc: string }>> {
    const actionId = (await t.clients.actions.createAction({ action: signed })).action!.id;
    const { commandIds } = await t.clients.commands.createCommands({ actionId, agentIds: agents.slice(0, count).map((a) => a.id), starttime: undefined });
    await t.sql.query(`UPDATE commands SET status = $2 WHERE actionid = $1`, [actionId, from]);
    return commandIds.map((id, i) => ({ id, queueloc: agents[i].queueloc }));
  }

  async function commandRow(id: number) {
    const { rows } = await t.sql.query(`SELECT status, results::text AS results, finishtime FROM commands WHERE id = $1`, [id]);
    return rows[0];
  }

  const finishCommand = (command: { id: number; queueloc: string }, to: string, finishtime?: Date) =>
    t.clients.commands.finishCommand({ id: command.id, status: to, results: [{ returned: to }], finishtime, agentQueueloc: command.queueloc, agentPid: 4242 });

  describe('every (from, to) pair of the table, through the real RPCs', () => {
    it.each(ACTION_STATUSES)('action from %s', async (from) => {
      for (const to of ACTION_STATUSES) {
        const id = await actionIn(from);
        const before = await actionRow(id);
        const call = to === 'completed'
          ? t.clients.actions.finishAction({ id, finishtime: new Date('2027-01-01T00:00:00Z'), force: false })
          : t.clients.actions.updateActionStatus({ id, status: to });
        const result = await settle(call);
        const expected = transitionOutcome(ACTION_TRANSITIONS, from, to);
        const after = await actionRow(id);
        const seen = { pair: `${from}>${to}`, code: result.code ?? status.OK, status: result.ok?.action?.status ?? after.status };
        if (expected === 'apply') {
          expect(seen).toEqual({ pair: `${from}>${to}`, code: status.OK, status: to });
          expect(after.status).toBe(to);
        } else if (expected === 'unchanged') {
          expect(seen).toEqual({ pair: `${from}>${to}`, code: status.OK, status: from });
          expect(after).toEqual(before);
        } else {
          expect(seen).toEqual({ pair: `${from}>${to}`, code: status.FAILED_PRECONDITION, status: from });
          expect(result.details).toBe(`action ${id} is ${from}: ${ACTION_TRANSITIONS[to].from.length === 0 ? `no status changes to ${to}: a new action starts ${to}` : `only ${ACTION_TRANSITIONS[to].from.join(', ')} can change to ${to}`}`);
          expect(after).toEqual(before);
        }
      }
    });

    it('UpdateActionStatus leaves completed to FinishAction', async () => {
      const id = await actionIn('inflight');
      const refused = await settle(t.clients.actions.updateActionStatus({ id, status: 'completed' }));
      expect(refused.code).toBe(status.INVALID_ARGUMENT);
      expect(refused.details).toContain('FinishAction');
      expect((await actionRow(id)).status).toBe('inflight');
    });

    it.each(COMMAND_STATUSES)('command from %s', async (from) => {
      const commands = await commandsIn(from, COMMAND_STATUSES.length);
      for (const [index, to] of COMMAND_STATUSES.entries()) {
        const command = commands[index];
        const before = await commandRow(command.id);
        const result = await settle(to === 'sent' ? t.clients.commands.markCommandSent({ id: command.id }) : finishCommand(command, to));
        const after = await commandRow(command.id);
        const pair = `${from}>${to}`;
        if (to === 'prepared') {
          // No RPC moves a command to prepared: FinishCommand refuses it as not final.
          expect({ pair, code: result.code }).toEqual({ pair, code: status.INVALID_ARGUMENT });
          expect(after).toEqual(before);
          continue;
        }
        const expected = transitionOutcome(COMMAND_TRANSITIONS, from, to);
        const seen = { pair, code: result.code ?? status.OK, status: result.ok?.command?.status ?? after.status };
        if (expected === 'apply') {
          expect(seen).toEqual({ pair, code: status.OK, status: to });
          expect(after.status).toBe(to);
          if (to !== 'sent') expect((result.ok as unknown as { overwritten: boolean }).overwritten).toBe(true);
        } else if (expected === 'unchanged') {
          expect(seen).toEqual({ pair, code: status.OK, status: from });
          if (to !== 'sent') expect((result.ok as unknown as { overwritten: boolean }).overwritten).toBe(false);
          expect(after).toEqual(before);
        } else {
          expect(seen).toEqual({ pair, code: status.FAILED_PRECONDITION, status: from });
          expect(result.details).toBe(`command ${command.id} is ${from}: only ${COMMAND_TRANSITIONS[to].from.join(', ')} can change to ${to}`);
          expect(after).toEqual(before);
        }
      }
    });

    it('creates commands prepared, counted as sent and in flight until they return', async () => {
      const [command] = await commandsIn('prepared', 1);
      const { command: created } = await t.clients.commands.getCommand({ id: command.id });
      expect(created!.status).toBe('prepared');
      const { action } = await t.clients.actions.getAction({ id: created!.actionId });
      expect(action!.counters).toMatchObject({ sent: 1, inflight: 1, done: 0 });
      await t.sql.query(`UPDATE actions SET status = 'inflight' WHERE id = $1`, [created!.actionId]);
      const refused = await settle(t.clients.actions.finishAction({ id: created!.actionId, finishtime: undefined, force: false }));
      expect(refused).toMatchObject({ code: status.FAILED_PRECONDITION, details: `action ${created!.actionId} still has 1 of 1 commands in flight; finish them first or set force` });
    });
  });

  describe(`races, ${ROUNDS} rounds each`, () => {
    it('cancel vs finish of one action: exactly one wins, the other is refused naming the winner\'s status', async () => {
      const outcomes = await rounds(ROUNDS, async () => {
        const id = await actionIn('inflight');
        const [cancel, finish] = await Promise.all([
          settle(t.clients.actions.updateActionStatus({ id, status: 'cancelled' })),
          settle(t.clients.actions.finishAction({ id, finishtime: undefined, force: false })),
        ]);
        const final = (await actionRow(id)).status;
        const winner = cancel.ok ? 'cancelled' : 'completed';
        expect([cancel.ok, finish.ok].filter(Boolean)).toHaveLength(1);
        const loser = cancel.ok ? finish : cancel;
        expect(loser.code).toBe(status.FAILED_PRECONDITION);
        expect(loser.details).toContain(`action ${id} is ${winner}:`);
        expect(final).toBe(winner);
        return winner;
      });
      expect(outcomes).toHaveLength(ROUNDS);
    });

    it('finish vs finish of one action: one finish time is recorded, the other call gets the action unchanged (the documented repeat)', async () => {
      await rounds(ROUNDS, async (round) => {
        const id = await actionIn('inflight');
        const times = [new Date(Date.UTC(2027, 0, 1, 0, 0, round)), new Date(Date.UTC(2027, 0, 2, 0, 0, round))];
        const answers = await Promise.all(times.map((finishtime) => settle(t.clients.actions.finishAction({ id, finishtime, force: false }))));
        const stored = (await actionRow(id)) as { status: string; finishtime: Date };
        expect(stored.status).toBe('completed');
        expect(times.filter((time) => time.getTime() === stored.finishtime.getTime())).toHaveLength(1);
        for (const answer of answers) {
          expect(answer.code).toBeUndefined();
          expect(answer.ok!.action!.finishtime!.getTime()).toBe(stored.finishtime.getTime());
        }
      });
    });

    it('claim vs cancel of one pending action: the cancel is never lost and a claim never hands out a cancelled action', async () => {
      // A cancel may follow a claim (scheduled → cancelled is allowed), so both can succeed; what
      // must hold: whoever took the pending row first, the action ends cancelled, and a claim that
      // returned it returned it scheduled (it won the pending row).
      for (let round = 0; round < ROUNDS; round++) {
        const id = await actionIn('pending');
        const [claim, cancel] = await Promise.all([
          settle(t.clients.actions.claimPendingActions({ limit: 1000 })),
          settle(t.clients.actions.updateActionStatus({ id, status: 'cancelled' })),
        ]);
        expect(claim.code).toBeUndefined();
        expect(cancel.ok!.action!.status).toBe('cancelled');
        const mine = claim.ok!.actions.filter((a) => a.id === id);
        for (const claimed of claim.ok!.actions) expect(claimed.status).toBe('scheduled');
        expect(mine.length).toBeLessThanOrEqual(1);
        expect((await actionRow(id)).status).toBe('cancelled');
      }
    });

    it('MarkCommandSent vs FinishCommand: the finish always stands; a send after it is refused naming the finished status', async () => {
      // Both orders are allowed by the table (prepared → sent → failed, or prepared → failed), so the
      // send succeeds when it came first; what the old code got wrong is the other order: a send
      // after the finish turned the command back into `sent`.
      for (const start of ['prepared', 'sent'] as const) {
        await rounds(ROUNDS, async () => {
          const [command] = await commandsIn(start, 1);
          const [sent, finished] = await Promise.all([settle(t.clients.commands.markCommandSent({ id: command.id })), settle(finishCommand(command, 'failed'))]);
          expect(finished.ok!.overwritten).toBe(true);
          expect(finished.ok!.command!.status).toBe('failed');
          if (sent.ok) expect(sent.ok.command!.status).toBe('sent');
          else expect(sent).toEqual({ code: status.FAILED_PRECONDITION, details: `command ${command.id} is failed: only prepared can change to sent` });
          expect((await commandRow(command.id)).status).toBe('failed');
        });
      }
    });

    it('finish vs finish of one command, success against expired: a success always stands', async () => {
      await rounds(ROUNDS, async () => {
        const [command] = await commandsIn('sent', 1);
        const [success, expired] = await Promise.all([settle(finishCommand(command, 'success')), settle(finishCommand(command, 'expired'))]);
        expect(success.ok!.overwritten).toBe(true);
        if (!expired.ok!.overwritten) expect(expired.ok!.command!.status).toBe('success');
        const row = await commandRow(command.id);
        expect(row.status).toBe('success');
        expect(JSON.parse(row.results)).toEqual([{ returned: 'success' }]);
      });
    });

  });
});
