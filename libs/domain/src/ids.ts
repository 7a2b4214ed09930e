import { InvalidArgumentError } from './errors';

/**
 * MIG's ids are positive integers below 2^53: the original stored them as float64 and JSON
 * clients read them as doubles. The original generator was (seconds since this epoch + 1) << 16,
 * plus one per id; we keep that as the floor of the database sequence that hands out ids, so new
 * ids still grow with time and never collide across replicas (one sequence serves them all).
 */
export const MIG_ID_EPOCH_UNIX_SECONDS = 1367258400; // 2013-04-29T18:00:00Z

export const MAX_MIG_ID = Number.MAX_SAFE_INTEGER; // 2^53 - 1

/** The first id the original generator would have produced at `at`. */
export function migIdFloor(at: Date): number {
  const seconds = Math.floor(at.getTime() / 1000) - MIG_ID_EPOCH_UNIX_SECONDS + 1;
  return seconds * 65536;
}

export function isValidMigId(id: number): boolean {
  return Number.isSafeInteger(id) && id > 0;
}

/** Throws INVALID_ARGUMENT naming `field` unless `id` is a valid MIG id. */
export function requireMigId(id: number, field: string): number {
  if (!isValidMigId(id)) {
    throw new InvalidArgumentError(field, `must be a positive integer below 2^53, got ${id}`);
  }
  return id;
}
