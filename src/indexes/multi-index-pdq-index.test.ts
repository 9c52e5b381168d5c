import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { wordsToPdqHash } from '../signals/index.js';
import { type ChunkLayout, chunkLayout, maxChunkRadius } from './chunk-layout.js';
import { LinearPdqIndex, MultiIndexPdqIndex } from './index.js';

/**
 * A neighbour that only one chunk can find: chunk `only` differs in exactly s_only bits and
 * every other chunk in s_i + 1 (all within indexed bits), so the distance is exactly r and any
 * missing probe, wrong radius or wrong key bit loses it.
 */
function tightNeighbour(
  source: Uint32Array,
  layout: ChunkLayout,
  radius: number,
  only: number,
  pick: () => number,
): Uint32Array {
  const words = source.slice();
  const radii = layout.radii[radius] as readonly number[];
  for (let chunk = 0; chunk < layout.count; chunk++) {
    const flips = (radii[chunk] as number) + (chunk === only ? 0 : 1);
    const chosen = new Set<number>();
    while (chosen.size < flips) chosen.add(pick() % (layout.bits[chunk] as number));
    for (const offset of chosen) {
      const bit = (layout.starts[chunk] as number) + offset;
      words[bit >>> 5] = ((words[bit >>> 5] as number) ^ (1 << (bit & 31))) >>> 0;
    }
  }
  return words;
}

describe('multi-index exactness on pigeonhole-tight neighbours', () => {
  for (const [chunks, tableBits] of [
    [16, 16],
    [11, 18],
    [11, 13],
  ] as const) {
    test(`${chunks} chunks of ≤ ${tableBits} bits: static part and delta find every tight neighbour`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
          let state = seed;
          const pick = (): number => {
            state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
            return state;
          };
          const index = new MultiIndexPdqIndex({ chunks, tableBits, rebuildMinimum: 1000 });
          const reference = new LinearPdqIndex();
          const stored: Uint32Array[] = [];
          const add = (owner: number): void => {
            const words = Uint32Array.from({ length: 8 }, pick);
            stored.push(words);
            index.add(owner, wordsToPdqHash(words));
            reference.add(owner, wordsToPdqHash(words));
          };
          for (let owner = 1; owner <= 20; owner++) add(owner);
          index.rebuild();
          for (let owner = 21; owner <= 30; owner++) add(owner); // these stay in the delta
          const staticLayout = chunkLayout(chunks, tableBits);
          const deltaLayout = chunkLayout(16, 8); // a delta under 256 entries uses 8-bit keys
          for (let radius = 0; radius <= maxChunkRadius; radius++) {
            const owner = 1 + (pick() % 30);
            const layout = owner <= 20 ? staticLayout : deltaLayout;
            const radii = layout.radii[radius] as readonly number[];
            const probed = radii.flatMap((s, chunk) => (s >= 0 ? [chunk] : []));
            const only = probed[pick() % probed.length] as number;
            const query = wordsToPdqHash(tightNeighbour(stored[owner - 1] as Uint32Array, layout, radius, only, pick));
            const hits = index.query(query, radius);
            assert.ok(
              hits.some((hit) => hit.owner === owner && hit.distance === radius),
              `radius ${radius} owner ${owner} chunk ${only}`,
            );
            assert.deepEqual(hits, reference.query(query, radius));
          }
        }),
        { numRuns: 40 },
      );
    });
  }

  test('a delta of thousands of single adds (its tables widen twice) answers as a scan does', () => {
    const index = new MultiIndexPdqIndex({ rebuildMinimum: 100_000 });
    const reference = new LinearPdqIndex();
    const words = new Uint32Array(8);
    let state = 12345;
    const queries: string[] = [];
    for (let owner = 1; owner <= 5000; owner++) {
      for (let i = 0; i < 8; i++) {
        state = (Math.imul(state ^ (state >>> 13), 0x5bd1e995) + 0x9e3779b9) >>> 0;
        words[i] = state;
      }
      if (owner % 3 === 0) words[owner % 8] = ((words[owner % 8] as number) ^ 0x10101) >>> 0;
      const hash = wordsToPdqHash(words);
      index.add(owner, hash);
      reference.add(owner, hash);
      if (owner % 50 === 0) {
        words[0] = ((words[0] as number) ^ 0xff) >>> 0;
        words[5] = ((words[5] as number) ^ 0xf0f0f) >>> 0;
        queries.push(wordsToPdqHash(words));
      }
    }
    assert.equal(index.stats.deltaEntries, 5000);
    let hits = 0;
    for (const query of queries) {
      const expected = reference.query(query, 31);
      assert.deepEqual(index.query(query, 31), expected);
      hits += expected.length;
    }
    assert.equal(hits, queries.length);
  });

  test('massively repeated hashes: overflowing candidate batches, spilled buckets of 70,000, long delta chains', () => {
    const repeated = wordsToPdqHash(Uint32Array.from([1, 2, 3, 4, 5, 6, 7, 8]));
    const near = wordsToPdqHash(Uint32Array.from([1, 2, 3, 4, 5, 6, 7, 9]));
    const index = new MultiIndexPdqIndex({ rebuildMinimum: 100_000 });
    const reference = new LinearPdqIndex();
    const words = new Uint32Array(70_000 * 8);
    for (let i = 0; i < 70_000; i++) words.set([1, 2, 3, 4, 5, 6, 7, 8], i * 8);
    const owners = Int32Array.from({ length: 70_000 }, (_, i) => i + 1);
    index.addMany(owners, words);
    reference.addMany(owners, words);
    index.rebuild(); // 70,000 entries in one bucket of every chunk, spilled
    for (let owner = 70_001; owner <= 75_000; owner++) {
      const value = owner % 2 === 0 ? near : repeated;
      index.add(owner, value); // 5,000 entries on one delta chain per chunk
      reference.add(owner, value);
    }
    for (const radius of [0, 1, 31]) {
      const expected = reference.query(near, radius);
      assert.equal(expected.length, radius === 0 ? 2500 : 75_000);
      assert.deepEqual(index.query(near, radius), expected);
    }
  });
});
