/**
 * Runs `work` over `items` with at most `concurrency` in flight and hands each result to `emit`
 * in input order (a result waits until every earlier one has been emitted), so output is
 * deterministic however the work interleaves. `work` should not throw: turn failures into
 * values so that one bad item never stops the others.
 */
export async function mapOrdered<Item, Result>(
  items: readonly Item[],
  concurrency: number,
  work: (item: Item, index: number) => Promise<Result>,
  emit: (result: Result, item: Item, index: number) => void,
): Promise<void> {
  const pending = new Map<number, Result>();
  let nextToStart = 0;
  let nextToEmit = 0;
  const flush = (): void => {
    while (pending.has(nextToEmit)) {
      const result = pending.get(nextToEmit) as Result;
      pending.delete(nextToEmit);
      emit(result, items[nextToEmit] as Item, nextToEmit);
      nextToEmit++;
    }
  };
  const runner = async (): Promise<void> => {
    while (nextToStart < items.length) {
      const index = nextToStart++;
      pending.set(index, await work(items[index] as Item, index));
      flush();
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, runner);
  await Promise.all(workers);
}
