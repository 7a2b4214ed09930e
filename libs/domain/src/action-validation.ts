import type { Action } from './action';
import { InvalidArgumentError } from './errors';
import { requireMigId } from './ids';
import { DEFAULT_INPUT_LIMITS, requireJsonSize, type InputLimits } from './input-limits';
import { requireText, TEXT_LIMITS } from './text-fields';

/** The only action syntax MIG accepts. */
export const ACTION_SYNTAX_VERSION = 2;

/**
 * MIG's validation rules for an action (spec/data-model.md "Action validation"), checked before
 * anything is stored. `field` prefixes name the offending field for the caller, e.g.
 * `action.validfrom: is after action.expireafter`. Signatures are only checked for presence here;
 * verifying them is the job of the signature check.
 */
export function validateAction(action: Action, now: Date = new Date(), field = 'action', limits: InputLimits = DEFAULT_INPUT_LIMITS): void {
  if (action.id !== undefined) requireMigId(action.id, `${field}.id`);
  requireText(action.name ?? '', `${field}.name`, TEXT_LIMITS.actionName);
  requireText(action.target ?? '', `${field}.target`, TEXT_LIMITS.actionTarget);
  if (action.syntaxversion !== ACTION_SYNTAX_VERSION) {
    throw new InvalidArgumentError(`${field}.syntaxversion`, `must be ${ACTION_SYNTAX_VERSION}, got ${action.syntaxversion}`);
  }
  requireDate(action.validfrom, `${field}.validfrom`);
  requireDate(action.expireafter, `${field}.expireafter`);
  if (action.validfrom.getTime() > action.expireafter.getTime()) {
    throw new InvalidArgumentError(`${field}.validfrom`, `${action.validfrom.toISOString()} is after ${field}.expireafter ${action.expireafter.toISOString()}`);
  }
  if (action.expireafter.getTime() <= now.getTime()) {
    throw new InvalidArgumentError(`${field}.expireafter`, `${action.expireafter.toISOString()} has already passed`);
  }
  if (!Array.isArray(action.operations) || action.operations.length === 0) {
    throw new InvalidArgumentError(`${field}.operations`, 'must list at least one operation');
  }
  action.operations.forEach((operation, index) => {
    requireText(operation.module ?? '', `${field}.operations[${index}].module`, 256);
    requireJsonSize(operation.parameters, `${field}.operations[${index}].parameters`, limits.maxActionJsonBytes);
  });
  if (!Array.isArray(action.pgpsignatures) || action.pgpsignatures.length === 0) {
    throw new InvalidArgumentError(`${field}.pgpsignatures`, 'must hold at least one signature');
  }
  action.pgpsignatures.forEach((signature, index) => {
    if (typeof signature !== 'string') throw new InvalidArgumentError(`${field}.pgpsignatures[${index}]`, 'must be a string');
    requireText(signature, `${field}.pgpsignatures[${index}]`, TEXT_LIMITS.signature);
  });
}

function requireDate(value: Date | undefined, field: string): asserts value is Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new InvalidArgumentError(field, 'must be set to a valid time');
  }
}
