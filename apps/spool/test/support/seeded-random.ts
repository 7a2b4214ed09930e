/**
 * A small seeded generator (mulberry32) for tests that choose at random: the seed is printed, so
 * that a failure found by one run can be replayed exactly with MIG_SPOOL_TEST_SEED=<seed>.
 */
export interface SeededRandom {
  seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  between(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** A shuffled copy of `items`. */
  shuffled<T>(items: readonly T[]): T[];
}

export function seededRandom(seed = seedFromEnvironment()): SeededRandom {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const between = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    seed,
    next,
    between,
    chance: (p) => next() < p,
    shuffled: (items) => {
      const copy = [...items];
      for (let index = copy.length - 1; index > 0; index--) {
        const other = between(0, index);
        [copy[index], copy[other]] = [copy[other], copy[index]];
      }
      return copy;
    },
  };
}

/** MIG_SPOOL_TEST_SEED when set (to replay a failure), else a fresh seed. */
function seedFromEnvironment(): number {
  const fromEnvironment = process.env.MIG_SPOOL_TEST_SEED;
  if (fromEnvironment !== undefined && fromEnvironment !== '') {
    const seed = Number(fromEnvironment);
    if (!Number.isInteger(seed) || seed < 0) throw new Error(`MIG_SPOOL_TEST_SEED must be a non-negative integer, not ${JSON.stringify(fromEnvironment)}`);
    return seed;
  }
  return Math.floor(Math.random() * 2 ** 32);
}
