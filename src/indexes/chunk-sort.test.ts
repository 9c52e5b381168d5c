import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { type BucketHeads, bucketHeads, emptyBucket } from './bucket-heads.js';
import { chunkKey } from './chunk-layout.js';
import { chunkSortScratch, sortChunk } from './chunk-sort.js';

/** The chunk table by definition: for each key, the ascending slots whose chunk key it is. */
function referenceBuckets(words: Uint32Array, count: number, start: number, bits: number): Map<number, number[]> {
  const buckets = new Map<number, number[]>();
  for (let slot = 0; slot < count; slot++) {
    const key = chunkKey(words, slot * 8, start, bits);
    buckets.set(key, [...(buckets.get(key) ?? []), slot]);
  }
  return buckets;
}

/** The slots of `key`'s bucket, read as a search reads them. */
function bucketSlots(table: BucketHeads, key: number): number[] {
  const head = table.heads[key] as number;
  if (head === emptyBucket) return [];
  if (head >= 0) return [head];
  const slots: number[] = [];
  for (let e = -2 - head; ; e++) {
    const slot = table.spill[e] as number;
    slots.push(slot >= 0 ? slot : ~slot);
    if (slot < 0) return slots;
  }
}

describe('chunk tables', () => {
  test('property: sortChunk + bucketHeads build the table of the chunk keys (both sort paths)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.array(fc.oneof(fc.nat(), fc.constant(0xffffffff), fc.constant(0)), { minLength: 8, maxLength: 8 }),
          { minLength: 0, maxLength: 60 },
        ),
        fc.integer({ min: 0, max: 232 }),
        fc.constantFrom(1, 5, 12, 13, 16),
        fc.boolean(),
        (hashes, start, bits, reuse) => {
          const words = Uint32Array.from(hashes.flat(), (word) => word >>> 0);
          const count = hashes.length;
          const spill = new Int32Array(count + 3).fill(99); // longer than needed, as after a rebuild
          const scratch = chunkSortScratch(count);
          sortChunk(words, count, start, bits, scratch.slots, scratch);
          // A rebuild reuses the previous heads, which hold another table's values.
          const previous = reuse
            ? { heads: new Int32Array(1 << bits).fill(7), spill: new Int32Array(0), spilled: 0 }
            : undefined;
          const table = bucketHeads(scratch.keys, scratch.slots, count, bits, spill, previous);
          if (previous !== undefined) assert.equal(table.heads, previous.heads);
          const expected = referenceBuckets(words, count, start, bits);
          let spilled = 0;
          for (let key = 0; key < 1 << bits; key++) {
            const slots = expected.get(key) ?? [];
            assert.deepEqual(bucketSlots(table, key), slots, `key ${key}`);
            if (slots.length > 1) spilled += slots.length;
          }
          assert.equal(table.spilled, spilled);
          assert.ok(
            spill.subarray(spilled).every((value) => value === 99),
            'nothing written past the spilled buckets',
          );
        },
      ),
    );
  });

  test('buckets of any size: one key holding 70,000 entries, few keys, one entry per key', () => {
    const bits = 12;
    for (const [name, repeat] of [
      ['spread', (key: number) => key % 50],
      ['one huge bucket', (key: number) => (key === 300 ? 70_000 : key % 3)],
      ['few keys, many entries', (key: number) => (key < 4 ? 20_000 : 0)],
      ['one entry per key', () => 1],
    ] as const) {
      const sorted: number[] = [];
      for (let key = 0; key < 1 << bits; key++) for (let i = 0; i < repeat(key); i++) sorted.push(key);
      const keys = Uint32Array.from(sorted);
      const slots = Uint32Array.from(keys, (_, slot) => slot);
      const table = bucketHeads(keys, slots, keys.length, bits, new Int32Array(keys.length));
      let slot = 0;
      for (let key = 0; key < 1 << bits; key++) {
        const size = repeat(key);
        assert.deepEqual(
          bucketSlots(table, key),
          Array.from({ length: size }, (_, i) => slot + i),
          `${name} key ${key}`,
        );
        slot += size;
      }
    }
  });
});
