import { InvalidArgumentError } from './errors';
import { quoteInput } from './quote-input';

/** google.protobuf.Timestamp's own range (timestamp.proto): 0001-01-01 to 9999-12-31, UTC. */
const EARLIEST_TIME_MS = Date.parse('0001-01-01T00:00:00.000Z');
const LATEST_TIME_MS = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * Refuses, before any work, the values no field of any request may hold, wherever they sit
 * (plain fields, filters, environment, tags, operation parameters, results):
 * - NUL characters in text or in JSON keys and strings. PostgreSQL text cannot hold NUL, and in a
 *   json column the escape `\u0000` is stored but every `->>` over it then fails ("unsupported
 *   Unicode escape sequence"): one agent's heartbeat would break the example targets
 *   (`environment->>'ident' ILIKE …`) for the whole fleet. Refusing is the only choice that
 *   keeps what is stored byte for byte what was sent (signed actions must stay verifiable).
 * - times outside google.protobuf.Timestamp's range (years 1 to 9999), or not a time at all;
 * - numbers that are not finite (JSON has no NaN or Infinity).
 * Throws INVALID_ARGUMENT naming the field as the proto spells it, e.g. `heartbeat.environment.ident`.
 */
export function requireStorableValues(request: unknown, root = ''): void {
  // Iterative, so that a deeply nested JSON value cannot overflow the stack here; paths are only
  // spelled out on refusal, so that a call with a million ids costs a loop and no strings.
  const pending: Place[] = [{ value: request, key: undefined, parent: undefined }];
  while (pending.length > 0) {
    const place = pending.pop()!;
    const { value } = place;
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index++) visit(value[index], index, place, pending, root);
    } else if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
      for (const key of Object.keys(value)) {
        if (key.includes('\u0000')) refuse(pathOf({ value: undefined, key, parent: place }, root), 'must not contain NUL characters (\\u0000) in its keys');
        visit((value as Record<string, unknown>)[key], key, place, pending, root);
      }
    } else {
      visit(value, undefined, undefined, pending, root, place);
    }
  }
}

interface Place {
  value: unknown;
  key: string | number | undefined;
  parent: Place | undefined;
}

/** Checks a scalar where it stands; queues anything with members. */
function visit(value: unknown, key: string | number | undefined, parent: Place | undefined, pending: Place[], root: string, self?: Place): void {
  const here = () => pathOf(self ?? { value, key, parent }, root);
  if (typeof value === 'string') {
    if (value.includes('\u0000')) refuse(here(), 'must not contain NUL characters (\\u0000)');
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) refuse(here(), `must be a finite number, got ${value}`);
  } else if (value instanceof Date) {
    const time = value.getTime();
    if (!(time >= EARLIEST_TIME_MS && time <= LATEST_TIME_MS)) {
      refuse(here(), 'must be a time from 0001-01-01 to 9999-12-31 (UTC), as google.protobuf.Timestamp allows');
    }
  } else if (value !== null && typeof value === 'object' && !self) {
    pending.push({ value, key, parent });
  }
}

function pathOf(place: Place, root: string): string {
  const keys: Array<string | number> = [];
  for (let at: Place | undefined = place; at && at.key !== undefined; at = at.parent) keys.unshift(at.key);
  return keys.reduce<string>((path, key) => (typeof key === 'number' ? `${path}[${key}]` : joinPath(path, key)), root);
}

function refuse(path: string, reason: string): never {
  throw new InvalidArgumentError(path === '' ? 'request' : path, reason);
}

/**
 * Message fields arrive camelCased (ts-proto) and are named as the proto spells them; JSON keys
 * that are not plain lowercase words are shown quoted, so `tags["a b"]` reads as it is.
 */
function joinPath(path: string, key: string): string {
  if (/^[a-z][a-zA-Z0-9]*$/.test(key)) {
    const field = key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
    return path === '' ? field : `${path}.${field}`;
  }
  return `${path}[${quoteInput(key)}]`;
}
