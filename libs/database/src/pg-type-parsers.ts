import { types as pgTypes, type CustomTypesConfig } from 'pg';

/** PostgreSQL's type OIDs for the two integer-holding types pg returns as strings by default. */
const NUMERIC = 1700;
const INT8 = 20;

/** A value from the database that a JavaScript number cannot hold exactly: a corrupt row, never rounded. */
export class InexactNumberError extends Error {
  constructor(readonly text: string) {
    super(`the database returned ${text}, which a JavaScript number cannot hold exactly (MIG's ids and counts are integers below 2^53)`);
    this.name = 'InexactNumberError';
  }
}

/**
 * MIG's ids are `numeric` and counts (`count(*)`, bigint columns) are `int8`; pg returns both as
 * strings. Every such value MIG stores is an integer below 2^53, so rows carry plain numbers;
 * a value a number cannot hold exactly (an integer past 2^53, a fraction, NaN) throws instead of
 * being rounded silently.
 */
export function parseExactNumber(text: string): number {
  const value = Number(text);
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(value)) throw new InexactNumberError(text);
  return value;
}

const PARSERS: Record<number, (text: string) => unknown> = {
  [NUMERIC]: parseExactNumber,
  [INT8]: parseExactNumber,
};

/**
 * The `types` every pool and client libs/database makes is given (pg's per-connection type
 * overrides): set where the pool is made, so no mapper converts ids by hand, and pg's process-wide
 * parsers stay as they are for any other code in the process.
 */
export const MIG_PG_TYPES: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    ((format ?? 'text') === 'text' && PARSERS[oid]) || pgTypes.getTypeParser(oid, format)) as CustomTypesConfig['getTypeParser'],
};
