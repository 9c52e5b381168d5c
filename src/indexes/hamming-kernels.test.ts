import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { removedOwner } from './entry-store.js';
import { verifySlots } from './hamming-kernels.js';
import { HitList } from './hit-list.js';
import { wordsToHex } from './input.js';

/** A plainly fake query hash: fixed words. */
const query = Uint32Array.from([
  0x01234567, 0x89abcdef, 0xfedcba98, 0x76543210, 0x0f1e2d3c, 0x4b5a6978, 0x8796a5b4, 0xc3d2e1f0,
]);

/** The query with `bits` flipped (bit b is bit b mod 32 of word ⌊b/32⌋). */
function flipped(bits: readonly number[]): Uint32Array {
  const words = query.slice();
  for (const bit of bits) words[bit >>> 5] = ((words[bit >>> 5] as number) ^ (1 << (bit & 31))) >>> 0;
  return words;
}

/** `count` distinct bits from `from` on, every `step`. */
function bitsFrom(from: number, count: number, step = 1): number[] {
  return Array.from({ length: count }, (_, i) => from + i * step);
}

describe('verifySlots: the candidate check counts every bit of the 256', () => {
  test('distances at the radius boundary, wherever the differing bits lie, are kept or dropped exactly', () => {
    // Differing bits all in the first 96 (the early check), straddling it, and all past it.
    const layouts = [
      (n: number) => bitsFrom(0, n),
      (n: number) => bitsFrom(96 - Math.floor(n / 2), n),
      (n: number) => bitsFrom(96, n),
      (n: number) => bitsFrom(255 - n + 1, n),
      (n: number) => bitsFrom(0, n, 7),
    ];
    const stored: Uint32Array[] = [];
    const expected: number[] = [];
    for (const layout of layouts) {
      for (const distance of [0, 1, 30, 31, 32, 33]) {
        stored.push(flipped(layout(distance)));
        expected.push(distance);
      }
    }
    const words = new Uint32Array(stored.length * 8);
    for (const [slot, hash] of stored.entries()) words.set(hash, slot * 8);
    const owners = Int32Array.from(stored, (_, slot) => slot + 1);
    owners[3] = removedOwner; // a tombstone within the radius is never a hit
    const slots = Uint32Array.from(stored, (_, slot) => slot);
    for (const radius of [0, 30, 31, 32]) {
      const hits = new HitList();
      verifySlots(words, owners, slots, slots.length, query, radius, hits);
      const got = hits.resolve(owners, words);
      const want = expected
        .map((distance, slot) => ({ owner: slot + 1, distance, value: wordsToHex(words, slot * 8) }))
        .filter((hit, slot) => hit.distance <= radius && owners[slot] !== removedOwner)
        .sort((a, b) => a.distance - b.distance || a.owner - b.owner);
      assert.deepEqual(got, want, `radius ${radius}`);
    }
  });

  test('one slot found several times is one hit; several slots of one owner keep the nearest', () => {
    const words = new Uint32Array(3 * 8);
    words.set(flipped([5, 200]), 0);
    words.set(flipped([7]), 8);
    words.set(flipped([1, 2, 3]), 16);
    const owners = Int32Array.from([9, 9, 4]);
    const hits = new HitList();
    verifySlots(words, owners, Uint32Array.from([0, 0, 0]), 3, query, 31, hits);
    assert.deepEqual(hits.resolve(owners, words), [{ owner: 9, distance: 2, value: wordsToHex(words, 0) }]);
    hits.reset();
    verifySlots(words, owners, Uint32Array.from([2, 0, 1, 0, 2]), 5, query, 31, hits);
    assert.deepEqual(hits.resolve(owners, words), [
      { owner: 9, distance: 1, value: wordsToHex(words, 8) },
      { owner: 4, distance: 3, value: wordsToHex(words, 16) },
    ]);
  });
});
