import type { Action, ActionCounters, ActionDescription, ActionThreat, Operation } from './action';
import { InvalidArgumentError } from './errors';
import { quoteInput } from './quote-input';
import { goField, isJsonObject } from './go-json-fields';
import { ACTION_STATUSES, isOneOf } from './statuses';

/** An action as read from a file: before signing, validfrom and expireafter may be unset. */
export type ActionFile = Omit<Action, 'validfrom' | 'expireafter'> & { validfrom?: Date; expireafter?: Date };

/** Go's zero time, which MIG writes for unset times ("0001-01-01T00:00:00Z"). */
const GO_ZERO_TIME_MS = new Date('0001-01-01T00:00:00Z').getTime();

/**
 * Reads a MIG action file (the JSON an investigator writes or the Go client signs), keys matched
 * as Go matches them. Throws INVALID_ARGUMENT naming the field when a value has the wrong type;
 * whether the action is valid is `validateAction`'s question.
 */
export function parseActionFile(json: string | unknown): ActionFile {
  let document: unknown = json;
  if (typeof json === 'string') {
    try {
      document = JSON.parse(json);
    } catch (error) {
      throw new InvalidArgumentError('action', `is not valid JSON: ${(error as Error).message}`);
    }
  }
  if (!isJsonObject(document)) throw new InvalidArgumentError('action', 'must be a JSON object');
  const operations = goField(document, 'operations');
  const signatures = goField(document, 'pgpsignatures');
  const status = optionalString(document, 'status');
  if (status !== undefined && status !== '' && !isOneOf(ACTION_STATUSES, status)) {
    throw new InvalidArgumentError('action.status', `unknown status ${quoteInput(status)}`);
  }
  const id = optionalWholeNumber(document, 'id');
  return {
    id: id !== undefined && id !== 0 ? id : undefined,
    name: optionalString(document, 'name') ?? '',
    target: optionalString(document, 'target') ?? '',
    description: optionalObject<ActionDescription>(document, 'description', { author: 'string', email: 'string', url: 'string', revision: 'number' }),
    threat: optionalObject<ActionThreat>(document, 'threat', { ref: 'string', level: 'string', family: 'string', type: 'string' }),
    validfrom: optionalTime(document, 'validfrom'),
    expireafter: optionalTime(document, 'expireafter'),
    operations: operations === undefined || operations === null ? [] : readMigOperations(operations),
    pgpsignatures: signatures === undefined || signatures === null ? [] : parseSignatures(signatures),
    starttime: optionalTime(document, 'starttime'),
    finishtime: optionalTime(document, 'finishtime'),
    lastupdatetime: optionalTime(document, 'lastupdatetime'),
    status: status ? (status as Action['status']) : undefined,
    syntaxversion: optionalWholeNumber(document, 'syntaxversion') ?? 0,
    counters: optionalObject<ActionCounters>(document, 'counters', COUNTER_FIELDS),
  };
}

/** Writes an action as MIG's Go structs serialize it: lower-case keys, RFC 3339 times. */
export function formatActionFile(action: ActionFile): Record<string, unknown> {
  const time = (value?: Date) => (value ? value.toISOString().replace('.000Z', 'Z') : '0001-01-01T00:00:00Z');
  return {
    id: action.id ?? 0,
    name: action.name,
    target: action.target,
    description: action.description ?? {},
    threat: action.threat ?? {},
    validfrom: time(action.validfrom),
    expireafter: time(action.expireafter),
    // MIG's Operation struct, field for field: the flags are `omitempty`, written only when true.
    operations: action.operations.map((operation) => ({
      module: operation.module,
      parameters: operation.parameters,
      ...(operation.isCompressed ? { is_compressed: true } : {}),
      ...(operation.wantCompressed ? { want_compressed: true } : {}),
    })),
    pgpsignatures: action.pgpsignatures,
    starttime: time(action.starttime),
    finishtime: time(action.finishtime),
    lastupdatetime: time(action.lastupdatetime),
    status: action.status ?? '',
    syntaxversion: action.syntaxversion,
    ...(action.counters ? { counters: action.counters } : {}),
  };
}

/**
 * MIG's operations JSON (`[{"module":…,"parameters":…,"is_compressed":…,"want_compressed":…}]`), as
 * in action files and in the actions.operations column, read as Go reads it into MIG's Operation.
 */
export function readMigOperations(value: unknown, field = 'action.operations'): Operation[] {
  if (!Array.isArray(value)) throw new InvalidArgumentError(field, 'must be an array');
  return value.map((entry, index) => {
    if (!isJsonObject(entry)) throw new InvalidArgumentError(`${field}[${index}]`, 'must be an object');
    const module = goField(entry, 'module');
    if (module !== undefined && module !== null && typeof module !== 'string') throw new InvalidArgumentError(`${field}[${index}].module`, 'must be a string');
    const parameters = goField(entry, 'parameters');
    const isCompressed = optionalFlag(entry, 'is_compressed', `${field}[${index}]`);
    const wantCompressed = optionalFlag(entry, 'want_compressed', `${field}[${index}]`);
    return {
      module: module ?? '',
      parameters: parameters === undefined ? null : parameters,
      ...(isCompressed ? { isCompressed } : {}),
      ...(wantCompressed ? { wantCompressed } : {}),
    };
  });
}

/** A Go bool field: true, false, or null/absent (which Go leaves false); anything else is refused as Go does. */
function optionalFlag(object: Record<string, unknown>, name: string, field: string): boolean {
  const value = goField(object, name);
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw new InvalidArgumentError(`${field}.${name}`, 'must be true or false');
  return value;
}

function parseSignatures(value: unknown): string[] {
  if (!Array.isArray(value) || value.some((entry) => typeof entry !== 'string')) {
    throw new InvalidArgumentError('action.pgpsignatures', 'must be an array of strings');
  }
  return value as string[];
}

function optionalString(object: Record<string, unknown>, name: string): string | undefined {
  const value = goField(object, name);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new InvalidArgumentError(`action.${name}`, 'must be a string');
  return value;
}

function optionalTime(object: Record<string, unknown>, name: string): Date | undefined {
  const value = optionalString(object, name);
  if (value === undefined || value === '') return undefined;
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) throw new InvalidArgumentError(`action.${name}`, `${quoteInput(value)} is not an RFC 3339 time`);
  return time.getTime() === GO_ZERO_TIME_MS ? undefined : time;
}

/** MIG's integer fields (id, syntaxversion): a JSON number that is whole and exact in a double (below 2^53). */
function optionalWholeNumber(object: Record<string, unknown>, name: string): number | undefined {
  const value = goField(object, name);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') throw new InvalidArgumentError(`action.${name}`, 'must be a number');
  if (!Number.isSafeInteger(value)) throw new InvalidArgumentError(`action.${name}`, `${value} is not a whole number below 2^53`);
  return value;
}

const COUNTER_FIELDS = { sent: 'number', done: 'number', inflight: 'number', success: 'number', cancelled: 'number', expired: 'number', failed: 'number', timeout: 'number' } as const;

/** A nested object of MIG's Go structs: each field has the JSON type Go decodes into it (string or float64), as Go refuses any other. */
function optionalObject<T>(object: Record<string, unknown>, name: string, fields: Readonly<Record<string, 'string' | 'number'>>): T | undefined {
  const value = goField(object, name);
  if (value === undefined || value === null) return undefined;
  if (!isJsonObject(value)) throw new InvalidArgumentError(`action.${name}`, 'must be an object');
  const result: Record<string, unknown> = {};
  for (const [field, type] of Object.entries(fields)) {
    const fieldValue = goField(value, field);
    if (fieldValue === undefined || fieldValue === null) continue;
    if (typeof fieldValue !== type) throw new InvalidArgumentError(`action.${name}.${field}`, `must be a ${type}`);
    result[field] = fieldValue;
  }
  return result as T;
}
