import { countersFromStatusCounts, isActionComplete } from './action-counters';
import { InvalidArgumentError } from './errors';
import { isValidMigId, MAX_MIG_ID, migIdFloor, requireMigId } from './ids';
import { nextPageToken, readPage } from './paging';

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

describe('paging', () => {
  it('walks pages with opaque tokens and stops on a short page', () => {
    const first = readPage(0, '', { size: 100, max: 1000 });
    expect(first).toEqual({ limit: 100, offset: 0 });
    const token = nextPageToken(first, 100);
    expect(readPage(0, token, { size: 100, max: 1000 })).toEqual({ limit: 100, offset: 100 });
    expect(nextPageToken(first, 99)).toBe('');
    expect(readPage(5000, '', { size: 100, max: 1000 }).limit).toBe(1000);
  });

  it('refuses tokens it did not make and negative sizes, naming the field', () => {
    expect(() => readPage(0, 'bm90LWEtdG9rZW4', { size: 100, max: 1000 })).toThrow('page_token');
    expect(() => readPage(-1, '', { size: 100, max: 1000 })).toThrow('page_size');
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
