/** Median and range of a handful of repetitions: the median resists one noisy neighbour. */
export interface Summary {
  median: number;
  min: number;
  max: number;
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error('no values to summarize');
  return { median: percentile(values, 50), min: Math.min(...values), max: Math.max(...values) };
}

/** Nearest-rank percentile (p in 0..100) of unsorted values; the median of an even count is the mean of the middle two. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (p === 50 && sorted.length % 2 === 0) return (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}
