/**
 * Runs `call(index)` for index 0..count-1 with at most `inFlight` calls outstanding: a bounded
 * loop, so every side does exactly the same number of calls. Returns each call's latency in ms.
 */
export async function runBounded(count: number, inFlight: number, call: (index: number) => Promise<unknown>): Promise<number[]> {
  const latencies = new Array<number>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const start = performance.now();
      await call(index);
      latencies[index] = performance.now() - start;
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
  return latencies;
}
