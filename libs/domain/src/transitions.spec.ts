import { countersFromStatusCounts, isActionComplete } from './action-counters';
import { FailedPreconditionError } from './errors';
import { ACTION_STATUSES, COMMAND_STATUSES, FINAL_ACTION_STATUSES, FINAL_COMMAND_STATUSES, IN_FLIGHT_COMMAND_STATUSES } from './statuses';
import { ACTION_TRANSITIONS, COMMAND_TRANSITIONS, transitionOutcome, transitionRefused, type TransitionTable } from './transitions';

/** Every allowed change as `from>to`, read off the table. */
function edges<S extends string>(table: TransitionTable<S>, statuses: readonly S[]): string[] {
  return statuses.flatMap((from) => statuses.filter((to) => transitionOutcome(table, from, to) === 'apply').map((to) => `${from}>${to}`));
}

describe('the action transition table', () => {
  it('allows exactly the moves of MIG\'s scheduler, plus cancel from anywhere still running', () => {
    expect(edges(ACTION_TRANSITIONS, ACTION_STATUSES).sort()).toEqual(
      [
        'pending>scheduled', 'pending>invalid', 'pending>expired', 'pending>cancelled',
        'scheduled>preparing', 'scheduled>invalid', 'scheduled>expired', 'scheduled>cancelled',
        'preparing>inflight', 'preparing>completed', 'preparing>invalid', 'preparing>cancelled',
        'inflight>completed', 'inflight>cancelled',
      ].sort(),
    );
  });

  it('never moves a final action, and never goes back to pending', () => {
    for (const to of ACTION_STATUSES) {
      for (const final of FINAL_ACTION_STATUSES) expect(transitionOutcome(ACTION_TRANSITIONS, final, to)).not.toBe('apply');
    }
    expect(ACTION_TRANSITIONS.pending.from).toEqual([]);
  });

  it('answers a repeat unchanged except for a claim, which must have one winner', () => {
    for (const status of ACTION_STATUSES) {
      const expected = status === 'scheduled' || status === 'pending' ? 'refused' : 'unchanged';
      expect([status, transitionOutcome(ACTION_TRANSITIONS, status, status)]).toEqual([status, expected]);
    }
  });
});

describe('the command transition table', () => {
  it('sends a prepared command once and finishes anything but a success', () => {
    const finishes = COMMAND_STATUSES.filter((from) => from !== 'success').flatMap((from) => FINAL_COMMAND_STATUSES.map((to) => `${from}>${to}`));
    expect(edges(COMMAND_TRANSITIONS, COMMAND_STATUSES).sort()).toEqual(['prepared>sent', ...finishes].sort());
  });

  it('never sends a finished command again, and never touches a success', () => {
    for (const final of FINAL_COMMAND_STATUSES) expect(transitionOutcome(COMMAND_TRANSITIONS, final, 'sent')).toBe('refused');
    for (const to of FINAL_COMMAND_STATUSES) expect(transitionOutcome(COMMAND_TRANSITIONS, 'success', to)).toBe('unchanged');
    expect(transitionOutcome(COMMAND_TRANSITIONS, 'sent', 'sent')).toBe('unchanged');
    expect(transitionOutcome(COMMAND_TRANSITIONS, 'sent', 'prepared')).toBe('refused');
  });
});

describe('both tables', () => {
  it('name only known statuses, and no status is both a start and a harmless repeat', () => {
    for (const [table, statuses] of [[ACTION_TRANSITIONS, ACTION_STATUSES], [COMMAND_TRANSITIONS, COMMAND_STATUSES]] as const) {
      expect(Object.keys(table).sort()).toEqual([...statuses].sort());
      for (const { from, unchangedIn } of Object.values(table) as Array<{ from: readonly string[]; unchangedIn: readonly string[] }>) {
        for (const status of [...from, ...unchangedIn]) expect(statuses).toContain(status);
        expect(from.filter((status) => unchangedIn.includes(status))).toEqual([]);
      }
    }
  });

  it('explain a refusal with the current status and what the change needs', () => {
    const refused = transitionRefused(ACTION_TRANSITIONS, 'action', 42, 'cancelled', 'completed');
    expect(refused).toBeInstanceOf(FailedPreconditionError);
    expect(refused.message).toBe('action 42 is cancelled: only preparing, inflight can change to completed');
    expect(transitionRefused(COMMAND_TRANSITIONS, 'command', 7, 'sent', 'prepared').message).toBe('command 7 is sent: no status changes to prepared: a new command starts prepared');
  });
});

describe('counters with prepared commands', () => {
  it('count a prepared command as sent and in flight, so the action is not complete while it waits', () => {
    const counters = countersFromStatusCounts({ prepared: 2, sent: 1, success: 3 });
    expect(counters).toMatchObject({ sent: 6, inflight: 3, done: 3 });
    expect(counters.sent).toBe(counters.done + counters.inflight);
    expect(isActionComplete(counters)).toBe(false);
    expect(IN_FLIGHT_COMMAND_STATUSES).toEqual(COMMAND_STATUSES.filter((status) => !FINAL_COMMAND_STATUSES.includes(status)));
  });
});
