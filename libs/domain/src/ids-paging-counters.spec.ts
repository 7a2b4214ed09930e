import { countersFromStatusCounts, isActionComplete } from './action-counters';
import { InvalidArgumentError } from './errors';
import { isValidMigId, MAX_MIG_ID, migIdFloor, requireMigId } from './ids';

describe('MIG ids', () => {
  it("follow the original generator's floor: seconds since 2013-04-29T18:00:00Z plus one, shifted 16 bits", () => {
    expect(migIdFloor(new Date('2013-04-29T18:00:00Z'))).toBe(65536);
    expect(migIdFloor(new Date('2026-11-28T00:00:00Z'))).toBe((Math.floor(Date.parse('2026-11-28T00:00:00Z') / 1000) - 1367258400 + 1) * 65536);
  });

  it('are positive integers up to 2^53 - 1', () => {
    expect(isValidMigId(MAX_MIG_ID)).toBe(true);
    expect(isValidMigId(2 ** 53)).toBe(false);
    expect(isValidMigId(0)).toBe(false);
    expect(isValidMigId(1.5)).toBe(false);
    expect(() => requireMigId(-1, 'action_id')).toThrow(new InvalidArgumentError('action_id', 'must be a positive integer below 2^53, got -1'));
  });
});

describe('action counters', () => {
  it('derive sent, done and inflight from command statuses', () => {
    const counters = countersFromStatusCounts({ sent: 3, success: 4, failed: 1, timeout: 1, expired: 1, cancelled: 1 });
    expect(counters).toEqual({ sent: 11, done: 8, inflight: 3, success: 4, cancelled: 1, expired: 1, failed: 1, timeout: 1 });
    expect(isActionComplete(counters)).toBe(false);
    expect(isActionComplete(countersFromStatusCounts({ success: 2 }))).toBe(true);
    expect(isActionComplete(countersFromStatusCounts({}))).toBe(false);
  });
});
