import { InvalidArgumentError } from './errors';

/**
 * How much one call may carry. Every limit is checked before any work is done, so that one
 * oversized call can neither hold the database in a huge transaction nor stall the event loop for
 * the other callers. The data service reads them from its configuration (shown by `--help`).
 */
export interface InputLimits {
  /** Largest environment, and largest tags, of one heartbeat, in bytes of JSON. */
  maxAgentJsonBytes: number;
  /** Largest parameters of one operation, and largest results of one command, in bytes of JSON. */
  maxActionJsonBytes: number;
  /** Most heartbeats in one RecordHeartbeats call. */
  maxHeartbeatsPerCall: number;
  /** Most agent ids in one CreateCommands or CheckActionPermissions call. */
  maxAgentIdsPerCall: number;
}

/** MIG agents report a few KB of environment; results of a file search can reach megabytes. */
export const DEFAULT_INPUT_LIMITS: InputLimits = {
  maxAgentJsonBytes: 64 * 1024,
  maxActionJsonBytes: 4 * 1024 * 1024,
  maxHeartbeatsPerCall: 10_000,
  maxAgentIdsPerCall: 100_000,
};

/** Throws INVALID_ARGUMENT when `value`, written as JSON, takes more than `maxBytes`. */
export function requireJsonSize(value: unknown, field: string, maxBytes: number): void {
  if (value === undefined || value === null) return;
  const bytes = Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
  if (bytes > maxBytes) {
    throw new InvalidArgumentError(field, `is ${bytes.toLocaleString('en-US')} bytes of JSON; the service accepts at most ${maxBytes.toLocaleString('en-US')}`);
  }
}

/**
 * Throws INVALID_ARGUMENT when a call lists more than `max` items, saying how to split it.
 * `items` names what is counted ("heartbeats", "agent ids").
 */
export function requireAtMost(count: number, field: string, max: number, items: string): void {
  if (count > max) {
    throw new InvalidArgumentError(
      field,
      `lists ${count.toLocaleString('en-US')} ${items}; at most ${max.toLocaleString('en-US')} per call: split them into calls of ${max.toLocaleString('en-US')} or fewer`,
    );
  }
}
