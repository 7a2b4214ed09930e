import type { ValueTransformer } from 'typeorm';

/**
 * MIG's ids are `numeric` columns, which pg returns as strings. Every id is below 2^53, so a
 * JavaScript number holds it exactly; anything else in the column is a corrupt row and fails loudly.
 */
export const numericId: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => {
    if (value === null) return null;
    const id = Number(value);
    if (!Number.isSafeInteger(id)) throw new Error(`numeric id ${value} is not an integer below 2^53`);
    return id;
  },
};

/** `numeric` counters (agents_stats) read back as numbers. */
export const numericCount: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
