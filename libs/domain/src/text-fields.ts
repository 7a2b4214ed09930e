import { InvalidArgumentError } from './errors';

/**
 * MIG's text columns have fixed sizes (varchar(2048) for names, targets and queue locations) and
 * PostgreSQL refuses NUL characters in text. Checking both here turns what would be a database
 * error into an INVALID_ARGUMENT that names the field.
 */
export function requireText(value: string, field: string, maxLength: number, options: { allowEmpty?: boolean } = {}): string {
  if (!options.allowEmpty && value.trim() === '') throw new InvalidArgumentError(field, 'must not be empty');
  if (value.length > maxLength) throw new InvalidArgumentError(field, `is ${value.length} characters long; at most ${maxLength} fit`);
  if (value.includes('\u0000')) throw new InvalidArgumentError(field, 'must not contain NUL characters');
  return value;
}

/** Sizes of MIG's varchar columns (spec/data-model.md). */
export const TEXT_LIMITS = {
  actionName: 2048,
  actionTarget: 2048,
  agentText: 2048,
  signature: 4096,
} as const;
