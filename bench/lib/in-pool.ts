/**
 * Runs `work` over `items`, at most `limit` at a time, and returns the results in the items'
 * order. The stream benchmarks play or hash several clips at once this way, bounded so that the
 * machine is not asked for more streams than it can carry.
 */
export async function inPool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index] as T);
      }
    }),
  );
  return results;
}
