import { createHash } from 'node:crypto';
import { InvalidArgumentError } from './errors';

/**
 * List calls page by key (keyset paging), never by offset: a page starts after the last row of
 * the previous one in an order that never changes under a reader (ids, names, keys that are never
 * updated). An offset counts rows, so a row that moves, appears or leaves ahead of the offset
 * makes the reader skip or repeat others; a key does not move, so every row that exists for the
 * whole walk and matches its filters is returned exactly once, whatever is written meanwhile.
 *
 * Tokens are opaque (AIP-158): base64url JSON (the list that issued it, a digest of the request's
 * filters, the last key, the listing's reference time) and a SHA-256 check over it. The check
 * catches a token that was cut, edited or corrupted; it is not a secret (a token grants nothing
 * the caller could not ask for with a first request). Because the filters' digest is inside, a
 * token replayed with other filters is refused instead of silently mixing two listings.
 */

/** How each column of a list's order is carried in a token. */
interface KeyPartValues {
  /** A MIG id: a positive integer below 2^53. */
  id: number;
  /** A text column compared with the database's collation (names, queuelocs). */
  text: string;
  /** A timestamptz as PostgreSQL prints it (microseconds kept: a JavaScript Date has milliseconds only). */
  time: string;
  /** A row's physical position (ctid), only for a table without a key whose rows are never updated. */
  tid: string;
}
export type PageKeyPart = keyof KeyPartValues;
export type PageKey<P extends readonly PageKeyPart[]> = { -readonly [I in keyof P]: KeyPartValues[P[I]] };

/** A list that pages: the RPC that serves it, the shape of its key, its page sizes. */
export interface PagedList<P extends readonly PageKeyPart[] = readonly PageKeyPart[]> {
  readonly rpc: string;
  readonly key: P;
  /** Page size when the request leaves page_size at 0. */
  readonly size: number;
  /** The largest page a request gets, whatever page_size asks. */
  readonly max: number;
}

export function pagedList<const P extends readonly PageKeyPart[]>(rpc: string, key: P, sizes: { size: number; max: number }): PagedList<P> {
  return { rpc, key, ...sizes };
}

/** One page to read: at most `limit` rows after `after` (undefined on the first page). */
export interface Page<P extends readonly PageKeyPart[] = readonly PageKeyPart[]> {
  readonly list: PagedList<P>;
  readonly limit: number;
  readonly after: PageKey<P> | undefined;
  /**
   * The time the listing began, for lists whose filters are relative to "now" (silent for five
   * minutes, heartbeating in the last ten): every page answers for the same moment. Undefined for
   * lists that do not ask for it.
   */
  readonly asOf: Date | undefined;
  /** Digest of the filters the first page was read with; every later page must repeat them. */
  readonly filtersDigest: string;
}

/** What a list request says about paging. */
export interface PageRequest {
  pageSize: number;
  pageToken: string;
}

/**
 * Filters a listing is bound to, by their proto field names (the names the refusal quotes). Unset
 * filters are `undefined`, so a filter left unset on every page binds the same as one never named.
 */
export type PageFilters = Readonly<Record<string, string | number | boolean | Date | undefined>>;

const TOKEN_FORMAT = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{16})$/;
/** Two text keys of up to 2,048 characters each, JSON-escaped and base64url-encoded, fit. */
const MAX_TOKEN_LENGTH = 32_768;
const CHECK_CONTEXT = 'mig-data page token v1\n';
const PASS_UNCHANGED = "pass the previous response's next_page_token unchanged, or no page_token to start from the first page";

/**
 * Reads a list request's paging. `now` is given by lists whose filters are relative to the time:
 * the first page takes it as the listing's reference time and later pages keep the first one's.
 * Errors: INVALID_ARGUMENT for a negative page_size, a token this service did not issue or that
 * was altered, a token of another list, or a token sent with other filters than its first page.
 */
export function readPage<P extends readonly PageKeyPart[]>(list: PagedList<P>, request: PageRequest, filters: PageFilters = {}, now?: Date): Page<P> {
  const { pageSize, pageToken } = request;
  if (!Number.isInteger(pageSize) || pageSize < 0) throw new InvalidArgumentError('page_size', `must be 0 (default ${list.size}) or positive, got ${pageSize}`);
  const limit = Math.min(pageSize === 0 ? list.size : pageSize, list.max);
  const filtersDigest = digestOf(filters);
  if (pageToken === '') return { list, limit, after: undefined, asOf: now, filtersDigest };

  const token = decodeToken(pageToken);
  if (token.list !== list.rpc) {
    throw new InvalidArgumentError('page_token', `was issued by ${token.list}, not ${list.rpc}; ${PASS_UNCHANGED}`);
  }
  if (token.filters !== filtersDigest) {
    const names = Object.keys(filters);
    throw new InvalidArgumentError(
      'page_token',
      `was issued for other filters than this request's${names.length > 0 ? ` (${names.join(', ')})` : ''}: send the filters of the first page with every page, or no page_token to start over`,
    );
  }
  const after = readKey(list, token.key);
  if ((token.asOf === undefined) !== (now === undefined)) throw notIssuedHere();
  return { list, limit, after, asOf: token.asOf === undefined ? undefined : new Date(token.asOf), filtersDigest };
}

/** The token for the page after `page`, or '' when `rows` is shorter than a full page (the last one). */
export function nextPageToken<P extends readonly PageKeyPart[], R>(page: Page<P>, rows: readonly R[], keyOf: (row: R) => PageKey<P>): string {
  if (rows.length < page.limit || rows.length === 0) return '';
  const body = JSON.stringify({ list: page.list.rpc, filters: page.filtersDigest, key: keyOf(rows[rows.length - 1]), asOf: page.asOf?.getTime() });
  const encoded = Buffer.from(body, 'utf8').toString('base64url');
  return `${encoded}.${checkOf(encoded)}`;
}

interface DecodedToken {
  list: string;
  filters: string;
  key: unknown[];
  asOf: number | undefined;
}

function decodeToken(pageToken: string): DecodedToken {
  const parts = pageToken.length <= MAX_TOKEN_LENGTH ? TOKEN_FORMAT.exec(pageToken) : null;
  if (!parts || parts[2] !== checkOf(parts[1])) throw notIssuedHere();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    throw notIssuedHere();
  }
  const { list, filters, key, asOf } = (decoded ?? {}) as Record<string, unknown>;
  if (typeof list !== 'string' || typeof filters !== 'string' || !Array.isArray(key)) throw notIssuedHere();
  if (asOf !== undefined && !(typeof asOf === 'number' && Number.isSafeInteger(asOf))) throw notIssuedHere();
  return { list, filters, key, asOf };
}

const KEY_PART_CHECKS: { [K in PageKeyPart]: (value: unknown) => boolean } = {
  id: (value) => typeof value === 'number' && Number.isSafeInteger(value) && value > 0,
  text: (value) => typeof value === 'string' && value.length <= 4096 && !value.includes('\u0000'),
  time: (value) => typeof value === 'string' && /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d{1,6})?([+-]\d\d(:\d\d)?|Z)$/.test(value),
  tid: (value) => typeof value === 'string' && /^\(\d{1,10},\d{1,5}\)$/.test(value),
};

function readKey<P extends readonly PageKeyPart[]>(list: PagedList<P>, key: unknown[]): PageKey<P> {
  if (key.length !== list.key.length || !list.key.every((part, index) => KEY_PART_CHECKS[part](key[index]))) throw notIssuedHere();
  return key as PageKey<P>;
}

function checkOf(encodedBody: string): string {
  return createHash('sha256').update(CHECK_CONTEXT).update(encodedBody).digest('base64url').slice(0, 16);
}

/** Canonical: keys sorted, unset filters left out, times as epoch milliseconds. */
function digestOf(filters: PageFilters): string {
  const entries = Object.entries(filters)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => [name, value instanceof Date ? value.getTime() : value] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(entries)).digest('base64url').slice(0, 16);
}

function notIssuedHere(): InvalidArgumentError {
  return new InvalidArgumentError('page_token', `is not a token this service issued, or was altered; ${PASS_UNCHANGED}`);
}
