import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { bucketBounds, bucketOffsets } from './bucket-offsets.js';
import { chunkKey } from './chunk-layout.js';
import { chunkSortScratch, sortChunk } from './chunk-sort.js';

/** The CSR table by definition: for each key, the ascending slots whose chunk key it is. */
function referenceBuckets(words: Uint32Array, count: number, start: number, bits: number): Map<number, number[]> {
  const buckets = new Map<number, number[]>();
  for (let slot = 0; slot < count; slot++) {
    const key = chunkKey(words, slot * 8, start, bits);
    buckets.set(key, [...(buckets.get(key) ?? []), slot]);
  }
  return buckets;
}

/** Bounds of every key 0..2^bits − 1. */
function allBounds(
  offsets: ReturnType<typeof bucketOffsets>,
  bits: number,
): { starts: Uint32Array; ends: Uint32Array } {
  const keys = Uint32Array.from({ length: 1 << bits }, (_, key) => key);
  const starts = new Uint32Array(keys.length);
  const ends = new Uint32Array(keys.length);
  bucketBounds(offsets, keys, keys.length, starts, ends);
  return { starts, ends };
}

describe('chunk tables', () => {
  test('property: sortChunk + bucketOffsets build the CSR table of the chunk keys (both sort paths)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.array(fc.oneof(fc.nat(), fc.constant(0xffffffff), fc.constant(0)), { minLength: 8, maxLength: 8 }),
          { minLength: 0, maxLength: 60 },
        ),
        fc.integer({ min: 0, max: 232 }),
        fc.constantFrom(1, 5, 12, 13, 16),
        (hashes, start, bits) => {
          const words = Uint32Array.from(hashes.flat(), (word) => word >>> 0);
          const count = hashes.length;
          const entries = new Uint32Array(count + 3).fill(99); // longer than needed, as after a rebuild
          const scratch = chunkSortScratch(count);
          sortChunk(words, count, start, bits, entries, scratch);
          const { starts, ends } = allBounds(bucketOffsets(scratch.keys, count, bits), bits);
          const expected = referenceBuckets(words, count, start, bits);
          for (let key = 0; key < 1 << bits; key++) {
            const slots = [...entries.subarray(starts[key] as number, ends[key] as number)];
            assert.deepEqual(slots, expected.get(key) ?? [], `key ${key}`);
          }
          assert.equal(ends[(1 << bits) - 1], count);
        },
      ),
    );
  });

  test('offsets past 2^16 are exact; a block spanning 2^16 entries or more falls back to plain offsets', () => {
    const bits = 12;
    for (const [name, repeat] of [
      ['spread', (key: number) => key % 50], // ends near 100k entries, no block over 2^16
      ['one huge bucket', (key: number) => (key === 300 ? 70_000 : key % 3)],
      ['few keys, many entries', (key: number) => (key < 4 ? 20_000 : 0)],
    ] as const) {
      const sorted: number[] = [];
      for (let key = 0; key < 1 << bits; key++) for (let i = 0; i < repeat(key); i++) sorted.push(key);
      const keys = Uint32Array.from(sorted);
      for (const tableBits of [bits, 13]) {
        const offsets = bucketOffsets(keys, keys.length, tableBits);
        assert.equal(offsets.wide.length > 0, name !== 'spread', name);
        const { starts, ends } = allBounds(offsets, tableBits);
        let position = 0;
        for (let key = 0; key < 1 << tableBits; key++) {
          const size = key < 1 << bits ? repeat(key) : 0;
          assert.equal(starts[key], position, `${name} key ${key}`);
          assert.equal(ends[key], position + size, `${name} key ${key}`);
          position += size;
        }
      }
    }
    // Keys of fewer than 8 bits make one partial block; more than 2^16 entries overflow it.
    assert.ok(bucketOffsets(new Uint32Array(70_000), 70_000, 4).wide.length > 0);
    assert.equal(bucketOffsets(new Uint32Array(60_000), 60_000, 4).wide.length, 0);
  });
});
