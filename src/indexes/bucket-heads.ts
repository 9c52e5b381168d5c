import { heapMemory, type TypedMemory } from './typed-memory.js';

/** Head of a key with no entries. */
export const emptyBucket = -1;

/**
 * The buckets of a chunk table, laid out so that a probe of a key with one entry (most of the
 * non-empty ones at 10M entries) costs one random memory read, not two:
 *
 * - `heads[key]`, one per key (2^bits): `emptyBucket`; the key's slot (≥ 0) when it has exactly
 *   one entry; or −2 − start when it has two or more, whose slots are `spill[start..]`.
 * - `spill`: the slots of the buckets of two or more, bucket after bucket (ascending by key, then
 *   slot), each slot as itself (≥ 0) when more of its bucket follow and as `~slot` (< 0) for the
 *   bucket's last.
 *
 * Compared with bucket offsets into an array of every entry, a lookup skips the read of the entry
 * of each one-entry bucket (at 10M entries, a third to a half of the probes), at 4 bytes per key
 * instead of about 2 and 4 bytes per entry of a bucket of two or more instead of every entry
 * (725 MB instead of 675 at 10M entries with 11 chunks). Slots must be < 2^31 − 1.
 */
export interface BucketHeads {
  readonly heads: Int32Array;
  readonly spill: Int32Array;
  /** Places of `spill` in use. */
  readonly spilled: number;
}

/**
 * The bucket heads of a chunk table from its sorted entries: `sortedKeys[0..count)` ascending and
 * `sortedSlots[0..count)` their slots (as `sortChunk` leaves them in its scratch). Only the
 * buckets of two or more are written to `spill` (which must hold them: `count` places always
 * do), so that the memory of a spill allocated for the store's capacity stays virtual past them.
 * `heads` of `previous` is reused when its length fits, so that a rebuild does not allocate (and,
 * until V8 collects the old one, hold twice) up to 64 MB per chunk.
 */
export function bucketHeads(
  sortedKeys: Uint32Array,
  sortedSlots: Uint32Array,
  count: number,
  bits: number,
  spill: Int32Array,
  previous?: BucketHeads,
  memory: TypedMemory = heapMemory,
): BucketHeads {
  const keys = 1 << bits;
  const heads = previous?.heads.length === keys ? previous.heads : memory.i32(keys);
  heads.fill(emptyBucket);
  let spilled = 0;
  let position = 0;
  while (position < count) {
    const key = sortedKeys[position] as number;
    let end = position + 1;
    while (end < count && sortedKeys[end] === key) end++;
    if (end - position === 1) {
      heads[key] = sortedSlots[position] as number;
    } else {
      heads[key] = -2 - spilled;
      for (let e = position; e < end - 1; e++) spill[spilled++] = sortedSlots[e] as number;
      spill[spilled++] = ~(sortedSlots[end - 1] as number);
    }
    position = end;
  }
  return { heads, spill, spilled };
}

/** Bytes held. */
export function headsBytes(table: BucketHeads): number {
  return table.heads.byteLength + table.spill.byteLength;
}
