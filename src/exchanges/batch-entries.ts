import type { HashListEntry, HashListItem, HashListRejection } from './types.js';

/** A slice of a hash list for one storage transaction. */
export interface HashListBatch {
  /** Up to `size` entries, in input order. */
  readonly entries: HashListEntry[];
  /** The rejections met since the previous batch (also at most `size`), in input order. */
  readonly rejected: HashListRejection[];
}

/**
 * Groups `readHashList` items into batches for the importer, so it can write one transaction per
 * batch and report progress, while memory stays bounded by `size`: a batch is emitted as soon as
 * it holds `size` entries or `size` rejections (a file of nothing but bad lines still streams),
 * and a last, smaller batch when the items end. No empty batch is emitted.
 *
 * @throws RangeError when `size` is not a positive integer (a programming error, not bad input).
 */
export async function* batchEntries(items: AsyncIterable<HashListItem>, size: number): AsyncGenerator<HashListBatch> {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`batch size must be a positive integer, got ${size}`);
  let entries: HashListEntry[] = [];
  let rejected: HashListRejection[] = [];
  for await (const item of items) {
    if (item.kind === 'entry') entries.push(item);
    else rejected.push(item);
    if (entries.length >= size || rejected.length >= size) {
      yield { entries, rejected };
      entries = [];
      rejected = [];
    }
  }
  if (entries.length > 0 || rejected.length > 0) yield { entries, rejected };
}
