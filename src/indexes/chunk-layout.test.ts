import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chunkKey, chunkLayout, maxChunkRadius, probeCount } from './chunk-layout.js';
import { maxProbeKeys, probeKeys } from './probe-keys.js';

/** Bit `bit` of the hash at `words[offset..+8)`, by definition of the layout. */
function bitOf(words: Uint32Array, offset: number, bit: number): number {
  return ((words[offset + (bit >>> 5)] as number) >>> (bit & 31)) & 1;
}

function popcount(value: number): number {
  let count = 0;
  for (let v = value >>> 0; v !== 0; v >>>= 1) count += v & 1;
  return count;
}

describe('chunk layout', () => {
  test('chunks tile the 256 bits; per-radius probe radii satisfy the pigeonhole bound exactly', () => {
    for (const [count, tableBits] of [
      [16, 16],
      [16, 8],
      [11, 24],
      [11, 20],
      [11, 8],
    ] as const) {
      const layout = chunkLayout(count, tableBits);
      assert.equal(layout.count, count);
      let next = 0;
      for (let i = 0; i < count; i++) {
        assert.equal(layout.starts[i], next);
        const length = (layout.starts[i + 1] ?? 256) - next;
        assert.ok(length === 16 || length === 23 || length === 24, `chunk length ${length}`);
        assert.equal(layout.bits[i], Math.min(length, tableBits));
        next += length;
      }
      for (let radius = 0; radius <= maxChunkRadius; radius++) {
        const radii = layout.radii[radius] as readonly number[];
        // Σ (s_i + 1) = r + 1: a pair at distance ≤ r has some chunk within s_i.
        assert.equal(
          radii.reduce((sum, s) => sum + s + 1, 0),
          radius + 1,
          `count ${count} radius ${radius}`,
        );
        assert.ok(radii.every((s) => s >= -1 && s <= 2));
      }
    }
    assert.throws(() => chunkLayout(10, 16), RangeError);
    assert.throws(() => chunkLayout(16, 25), RangeError);
  });

  test('chunkKey reads the layout bits, across word boundaries, for every start and length ≤ 24', () => {
    const words = new Uint32Array(16);
    for (let i = 0; i < 16; i++) words[i] = Math.imul(i + 7, 0x9e3779b1) >>> 0;
    for (let start = 0; start + 24 <= 256; start++) {
      for (let bits = 1; bits <= 24; bits++) {
        let expected = 0;
        for (let b = 0; b < bits; b++) expected += bitOf(words, 8, start + b) * 2 ** b;
        assert.equal(chunkKey(words, 8, start, bits), expected, `start ${start} bits ${bits}`);
      }
    }
  });

  test('probeKeys lists each key within the radius once, the key first', () => {
    const out = new Uint32Array(maxProbeKeys);
    for (const bits of [8, 13, 16, 23, 24]) {
      for (const radius of [-1, 0, 1, 2]) {
        const key = (0xa5a5a5 & ((1 << bits) - 1)) >>> 0;
        const length = probeKeys(key, bits, radius, out);
        assert.equal(length, radius < 0 ? 0 : probeCount(bits, radius));
        const keys = [...out.subarray(0, length)];
        assert.equal(new Set(keys).size, length);
        if (length > 0) assert.equal(keys[0], key);
        for (const probe of keys) {
          assert.ok(probe < 2 ** bits && popcount(probe ^ key) <= radius);
        }
      }
    }
    assert.equal(probeCount(24, 2), maxProbeKeys);
  });
});
