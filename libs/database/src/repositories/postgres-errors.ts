import { AbortedError, DeadlineExceededError, DomainError, UnavailableError } from '@mig-data/domain';

/** SQLSTATE codes the repositories turn into domain errors; anything else is a server fault. */
export const UNIQUE_VIOLATION = '23505';
export const FOREIGN_KEY_VIOLATION = '23503';
export const QUERY_CANCELED = '57014';
export const DEADLOCK_DETECTED = '40P01';
export const SERIALIZATION_FAILURE = '40001';

export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown; driverError?: { code?: unknown } })?.driverError?.code ?? (error as { code?: unknown })?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * SQLSTATEs that mean "the database cannot serve now" rather than "this call is wrong":
 * class 08 (connection exception), 53 (insufficient resources: too many connections, out of
 * memory or disk), 57P01–57P05 (the server shut down, crashed, is starting, or dropped us idle).
 */
const UNAVAILABLE_CLASSES = new Set(['08', '53']);
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '57P04', '57P05']);
/** Errors of node-postgres and Node's sockets that say the same before any SQLSTATE exists. */
const UNAVAILABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/, // the server closed the connection (pg)
  /^timeout exceeded when trying to connect/, // every pooled connection stayed busy (pg-pool)
  /^Client has encountered a connection error and is not queryable/,
  /^Cannot use a pool after calling end on the pool/,
];
/**
 * TypeORM releases a query runner whose connection reported an error (the server shut down
 * mid-transaction); the transaction's next statement then fails with one of these, never committed.
 */
const UNAVAILABLE_TYPEORM_ERRORS = new Set(['QueryRunnerAlreadyReleasedError', 'QueryRunnerProviderAlreadyReleasedError']);

/**
 * The one translation of database failures into domain errors that a caller can act on:
 * connection loss, a server restarting and an exhausted pool become `unavailable` (retry after a
 * wait); a query PostgreSQL cancelled at its time limit becomes `deadline-exceeded`; serialization failures and deadlocks that reached the caller (the repositories' own
 * retries were used up) become `aborted` (retry the whole call). Anything else is left as it is:
 * a fault of ours, reported as INTERNAL with the cause in the log.
 */
export function databaseErrorAsDomain(error: unknown): DomainError | undefined {
  if (error instanceof DomainError) return error;
  const state = sqlState(error);
  if (state === SERIALIZATION_FAILURE || state === DEADLOCK_DETECTED) {
    return new AbortedError('the database aborted this call because it collided with concurrent work; nothing was changed: retry it');
  }
  if (state === QUERY_CANCELED) {
    return new DeadlineExceededError('the database cancelled this call\'s query: it ran past the statement time limit (MIG_DATA_DB_STATEMENT_TIMEOUT_MS); nothing was changed: narrow the request or retry later');
  }
  const message = error instanceof Error ? error.message : '';
  const unavailable =
    (state !== undefined && (UNAVAILABLE_CLASSES.has(state.slice(0, 2)) || UNAVAILABLE_STATES.has(state) || UNAVAILABLE_SOCKET_CODES.has(state))) ||
    UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message)) ||
    (error instanceof Error && UNAVAILABLE_TYPEORM_ERRORS.has(error.name));
  if (unavailable) {
    return new UnavailableError('the database is unavailable (connection lost, restarting, or every connection busy); retry after a short wait');
  }
  return undefined;
}
