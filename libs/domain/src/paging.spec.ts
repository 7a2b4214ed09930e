import { InvalidArgumentError } from './errors';
import { PAGED_LISTS } from './paged-lists';
import { nextPageToken, pagedList, readPage, type PageKey } from './paging';

const byId = pagedList('ListThings', ['id'], { size: 100, max: 1000 });
const byName = pagedList('ListNames', ['text'], { size: 2, max: 10 });
const rowsWithIds = (...ids: number[]) => ids.map((id) => ({ id }));
const idOf = (row: { id: number }): PageKey<typeof byId.key> => [row.id];

/** The token for the page after a full first page of `byId` ending at `lastId`, read with `filters`. */
function tokenAfter(lastId: number, filters: Record<string, string | undefined> = {}, limit = 2): string {
  const first = readPage(byId, { pageSize: limit, pageToken: '' }, filters);
  return nextPageToken(first, rowsWithIds(...Array.from({ length: limit }, (_, i) => lastId - limit + 1 + i)), idOf);
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return (error as Error).message;
  }
  throw new Error('expected an InvalidArgumentError');
}

describe('page tokens', () => {
  it('carry the last key of a full page to the next page, and end on a short one', () => {
    const first = readPage(byId, { pageSize: 0, pageToken: '' });
    expect(first).toMatchObject({ limit: 100, after: undefined });
    const token = nextPageToken(first, rowsWithIds(...Array.from({ length: 100 }, (_, i) => i + 1)), idOf);
    expect(token).not.toBe('');
    expect(readPage(byId, { pageSize: 0, pageToken: token })).toMatchObject({ limit: 100, after: [100] });
    expect(nextPageToken(first, rowsWithIds(1, 2, 3), idOf)).toBe('');
    expect(readPage(byId, { pageSize: 5000, pageToken: '' }).limit).toBe(1000);
  });

  it('let the page size change between pages (AIP-158) but not the filters', () => {
    const token = tokenAfter(7, { status: 'online' });
    expect(readPage(byId, { pageSize: 50, pageToken: token }, { status: 'online' })).toMatchObject({ limit: 50, after: [7] });
    const message = refusal(() => readPage(byId, { pageSize: 2, pageToken: token }, { status: 'idle' }));
    expect(message).toMatch(/^page_token: was issued for other filters than this request's \(status\): send the filters of the first page with every page/);
    expect(refusal(() => readPage(byId, { pageSize: 2, pageToken: token }, { status: undefined }))).toContain('other filters');
  });

  it('treat an unset filter the same whether it is named or not, and times by their instant', () => {
    const token = tokenAfter(7, { status: undefined });
    expect(readPage(byId, { pageSize: 2, pageToken: token }, {}).after).toEqual([7]);
    const at = new Date('2026-12-01T10:00:00Z');
    const timed = nextPageToken(readPage(byId, { pageSize: 1, pageToken: '' }, { since: at }), rowsWithIds(3), idOf);
    expect(readPage(byId, { pageSize: 1, pageToken: timed }, { since: new Date(at.getTime()) }).after).toEqual([3]);
    expect(refusal(() => readPage(byId, { pageSize: 1, pageToken: timed }, { since: new Date(at.getTime() + 1) }))).toContain('other filters');
  });

  it('refuse a token of another list, saying which list issued it', () => {
    const token = tokenAfter(7);
    expect(refusal(() => readPage(byName, { pageSize: 2, pageToken: token }))).toBe(
      "page_token: was issued by ListThings, not ListNames; pass the previous response's next_page_token unchanged, or no page_token to start from the first page",
    );
    expect(refusal(() => readPage(PAGED_LISTS.actions, { pageSize: 2, pageToken: token }))).toContain('was issued by ListThings, not ListActions');
  });

  it('refuse anything altered: every single-character change, a cut, garbage, an old offset token', () => {
    const token = tokenAfter(7);
    const notIssued = "page_token: is not a token this service issued, or was altered; pass the previous response's next_page_token unchanged";
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let index = 0; index < token.length; index++) {
      if (token[index] === '.') continue;
      const swapped = alphabet[(alphabet.indexOf(token[index]) + 1) % alphabet.length];
      const altered = token.slice(0, index) + swapped + token.slice(index + 1);
      expect(refusal(() => readPage(byId, { pageSize: 2, pageToken: altered }))).toContain(notIssued);
    }
    for (const bad of [token.slice(0, -1), token.slice(1), `${token}x`, 'garbage', '.', Buffer.from('offset:100').toString('base64url'), 'a'.repeat(40_000)]) {
      expect(refusal(() => readPage(byId, { pageSize: 2, pageToken: bad }))).toContain(notIssued);
    }
  });

  it('refuse a well-sealed token whose key does not fit the list (a forged one)', () => {
    // A token of the same name and filters but another key shape: only a forger makes one.
    const forged = nextPageToken(readPage(pagedList('ListThings', ['text'], { size: 1, max: 1 }), { pageSize: 1, pageToken: '' }), ['x'], (name) => [name]);
    expect(refusal(() => readPage(byId, { pageSize: 1, pageToken: forged }))).toContain('is not a token this service issued');
    const zero = nextPageToken(readPage(pagedList('ListThings', ['id'], { size: 1, max: 1 }), { pageSize: 1, pageToken: '' }), [0], (id) => [id]);
    expect(refusal(() => readPage(byId, { pageSize: 1, pageToken: zero }))).toContain('is not a token this service issued');
  });

  it('keep text keys of any characters, and time and tid keys as PostgreSQL prints them', () => {
    const name = 'host "é" \\ 😀 ' + 'x'.repeat(2000);
    const token = nextPageToken(readPage(byName, { pageSize: 1, pageToken: '' }), [name], (value) => [value]);
    expect(readPage(byName, { pageSize: 1, pageToken: token }).after).toEqual([name]);
    const stats = PAGED_LISTS.agentsStats;
    const statsToken = nextPageToken(readPage(stats, { pageSize: 1, pageToken: '' }), [['2026-12-01 10:00:00.123456+00', '(0,3)']], (key) => key as PageKey<typeof stats.key>);
    expect(readPage(stats, { pageSize: 1, pageToken: statsToken }).after).toEqual(['2026-12-01 10:00:00.123456+00', '(0,3)']);
  });

  it('fix the reference time on the first page for lists that ask for one, and keep it on later pages', () => {
    const first = readPage(byName, { pageSize: 1, pageToken: '' }, { window: 600_000 }, new Date('2026-12-01T10:00:00Z'));
    expect(first.asOf).toEqual(new Date('2026-12-01T10:00:00Z'));
    const token = nextPageToken(first, ['a'], (value) => [value]);
    const later = readPage(byName, { pageSize: 1, pageToken: token }, { window: 600_000 }, new Date('2026-12-01T11:00:00Z'));
    expect(later.asOf).toEqual(new Date('2026-12-01T10:00:00Z'));
  });

  it('refuse a negative or fractional page size, naming the field', () => {
    expect(refusal(() => readPage(byId, { pageSize: -1, pageToken: '' }))).toBe('page_size: must be 0 (default 100) or positive, got -1');
    expect(refusal(() => readPage(byId, { pageSize: 1.5, pageToken: '' }))).toContain('page_size');
  });
});
