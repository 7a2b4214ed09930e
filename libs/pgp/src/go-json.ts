import type { Operation } from '@mig-data/domain';
import { InvalidArgumentError } from '@mig-data/domain';

// MIG signs the operations as Go's encoding/json writes them (Go 1.19 and every release MIG was
// built with): a signature verifies only if we produce the very same bytes. The rules below are
// Go's, not JSON.stringify's: keys sorted by UTF-8 bytes, HTML characters and U+2028/U+2029
// escaped, control characters as \u00XX (Go wrote \b and \f that way until 1.22), lone surrogates
// as U+FFFD (Go's decoder replaces them), numbers as Go formats a float64.

const ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/** A string the way Go reads it (lone surrogates become U+FFFD), before escaping. */
function goText(value: string): string {
  // With the u flag a well-formed pair is one code point, so \p{Cs} only matches lone surrogates.
  return value.replace(/\p{Cs}/gu, '\ufffd');
}

function goString(value: string): string {
  const escaped = goText(value).replace(/[\u0000-\u001f"\\<>&\u2028\u2029]/g, (character) => {
    return ESCAPES[character] ?? `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
  return `"${escaped}"`;
}

/**
 * A float64 as Go writes it: the shortest digits that read back the same, exponent form below
 * 1e-6 and from 1e21 (the same thresholds as JavaScript's, with the same exponent spelling), and
 * `-0` kept as Go keeps it.
 */
function goNumber(value: number): string {
  if (!Number.isFinite(value)) throw new InvalidArgumentError('operations', `${value} is not a JSON number`);
  return Object.is(value, -0) ? '-0' : String(value);
}

function byUtf8Bytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function goObject(value: Record<string, unknown>): string {
  // Keys that Go's decoder makes equal (two lone surrogates) collapse, the later one winning.
  const entries = new Map<string, unknown>();
  for (const [key, entry] of Object.entries(value)) {
    if (entry !== undefined) entries.set(goText(key), entry);
  }
  const keys = [...entries.keys()].sort(byUtf8Bytes);
  return `{${keys.map((key) => `${goString(key)}:${goJson(entries.get(key))}`).join(',')}}`;
}

/** Any JSON value as Go's json.Marshal writes it after decoding it into an interface{}. */
export function goJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return goNumber(value);
    case 'string':
      return goString(value);
    case 'object':
      if (Array.isArray(value)) return `[${value.map((entry) => goJson(entry)).join(',')}]`;
      return goObject(value as Record<string, unknown>);
    default:
      throw new InvalidArgumentError('operations', `a ${typeof value} is not a JSON value`);
  }
}

/**
 * The operations as MIG signs them, fields in the order of MIG's Operation struct:
 * `[{"module":…,"parameters":…,"is_compressed":true,"want_compressed":true}]`, each flag written
 * only when true (Go's `omitempty`). Compressed parameters are a JSON string like any other.
 */
export function goOperationsJson(operations: readonly Operation[]): string {
  return `[${operations.map(goOperationJson).join(',')}]`;
}

function goOperationJson(operation: Operation): string {
  const flags = (operation.isCompressed ? ',"is_compressed":true' : '') + (operation.wantCompressed ? ',"want_compressed":true' : '');
  return `{"module":${goString(operation.module ?? '')},"parameters":${goJson(operation.parameters)}${flags}}`;
}
