import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type PdqHash, pdqDistance } from '../pdq/index.js';
import {
  capDenseFrames,
  cappedFrameSpacingBits,
  denseFrameSpacingBits,
  denseFrames,
  denseFramesPerVideoCap,
  denseVideoFrames,
} from './dense-frames.js';
import { formatPytxVpdq } from './pytx-format.js';
import type { VpdqFeature } from './vpdq-feature.js';

/** A hash with the first `bits` bits set (64 hex characters). */
function hashWithBits(bits: number): PdqHash {
  const full = Math.floor(bits / 4);
  const rest = bits % 4;
  const hex = 'f'.repeat(full) + (rest > 0 ? ((0xf0 >> rest) & 0xf).toString(16) : '');
  return hex.padEnd(64, '0') as PdqHash;
}

function feature(frameNumber: number, bits: number, quality = 100): VpdqFeature {
  return { frameNumber, quality, hash: hashWithBits(bits), timestamp: frameNumber / 30 };
}

describe('denseFrames', () => {
  test('leaves out a frame within the spacing of the last kept one, so every frame is within it of a kept one', () => {
    assert.equal(pdqDistance(hashWithBits(0), hashWithBits(17)), 17);
    const frames = [0, 8, 16, 17, 30, 40, 60].map((bits, index) => feature(index, bits));
    const kept = denseFrames(frames);
    assert.deepEqual(
      kept.map((frame) => frame.frameNumber),
      [0, 3, 5, 6],
      '0 kept; 8 and 16 within 16 of it; 17 kept; 30 is 13 from 17; 40 (23 from 17) and 60 (20 from 40) kept',
    );
  });

  test('every frame is within the spacing of some kept frame; identical frames and low quality are left out', () => {
    const frames = [0, 40, 0, 40, 80, 5].map((bits, index) => feature(index, bits));
    frames.push(feature(6, 120, 40));
    const kept = denseFrames(frames);
    assert.deepEqual(
      kept.map((frame) => frame.frameNumber),
      [0, 1, 4, 5],
    );
    for (const frame of frames.filter((one) => one.quality >= 50)) {
      assert.ok(kept.some((one) => pdqDistance(one.hash, frame.hash) <= denseFrameSpacingBits));
    }
  });

  test('a video with no good frame keeps its first one (a signal holds at least one frame)', () => {
    const kept = denseFrames([feature(0, 0, 10), feature(1, 50, 20)]);
    assert.deepEqual(
      kept.map((frame) => frame.frameNumber),
      [0],
    );
    assert.deepEqual(denseFrames([]), []);
  });
});

describe('capDenseFrames', () => {
  /**
   * `count` frames at 30 fps, a random walk: each frame flips `step` bits of the last (a fixed
   * pseudo-random sequence), so consecutive frames are `step` bits apart and none repeats.
   */
  const drifting = (count: number, step: number) => {
    let seed = 12345;
    const next = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed >>> 8;
    };
    const bits = new Uint8Array(256);
    return Array.from({ length: count }, (_, index) => {
      if (index > 0) {
        const flipped = new Set<number>();
        while (flipped.size < step) flipped.add(next() % 256);
        for (const bit of flipped) bits[bit] = (bits[bit] ?? 0) ^ 1;
      }
      let hex = '';
      for (let nibble = 0; nibble < 64; nibble++) {
        const value = bits.subarray(nibble * 4, nibble * 4 + 4).reduce((sum, bit, k) => sum | (bit << (3 - k)), 0);
        hex += value.toString(16);
      }
      return { frameNumber: index, quality: 100, hash: hex as PdqHash, timestamp: index / 30 };
    });
  };

  test('under the cap, the frames are those of denseFrames', () => {
    const frames = drifting(30, 20);
    assert.deepEqual(capDenseFrames(frames, 30), denseFrames(frames));
    assert.deepEqual(capDenseFrames(frames), denseFrames(frames));
  });

  test('over the cap, a wider spacing is tried first', () => {
    const frames = drifting(61, 20); // 2 s: every frame kept at 16 bits, about every other at 24
    assert.equal(denseFrames(frames).length, 61);
    const wider = denseFrames(frames, cappedFrameSpacingBits);
    assert.ok(wider.length <= 40, `${wider.length} frames at 24 bits`);
    assert.deepEqual(capDenseFrames(frames, 40), wider);
  });

  test('still over, the kept frames are thinned evenly to the cap, in order', () => {
    const frames = drifting(301, 40); // 10 s, every frame more than 24 bits from the last
    const capped = capDenseFrames(frames, 100);
    assert.equal(capped.length, 100);
    const numbers = capped.map((frame) => frame.frameNumber);
    assert.deepEqual(
      numbers,
      [...numbers].sort((a, b) => a - b),
    );
    assert.equal(numbers[0], 0);
    assert.ok(numbers.every((number, index) => index === 0 || number - (numbers[index - 1] as number) <= 4));
  });
});

describe('denseVideoFrames', () => {
  test('whole frames first, then the unboxed pictures, each de-duplicated on its own; poor unboxed frames left out', () => {
    const whole = [0, 8, 40].map((bits, index) => feature(index, bits));
    const unboxed = [feature(0, 100), feature(1, 104), feature(2, 150), feature(3, 200, 30)];
    const frames = denseVideoFrames(whole, unboxed);
    assert.deepEqual(
      frames.map((frame) => [frame.frameNumber, frame.hash]),
      [
        [0, hashWithBits(0)],
        [2, hashWithBits(40)],
        [0, hashWithBits(100)],
        [2, hashWithBits(150)],
      ],
    );
  });

  test('a video without borders has its whole frames only', () => {
    const whole = [0, 40].map((bits, index) => feature(index, bits));
    assert.deepEqual(denseVideoFrames(whole, []), denseFrames(whole));
    const centre = [60, 64, 100].map((bits, index) => feature(index, bits));
    assert.deepEqual(denseVideoFrames(whole, [], centre), [...denseFrames(whole), ...denseFrames(centre)]);
  });
});

test('a capped dense signal fits one typed hash-list line (1 MiB), so a banked video can be exported and imported', () => {
  const frames = Array.from({ length: denseFramesPerVideoCap }, (_, index) => ({
    frameNumber: index,
    quality: 100,
    hash: 'f0e1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f' as PdqHash,
    timestamp: 3599.967 - index / 30,
  }));
  assert.ok(Buffer.byteLength(formatPytxVpdq(frames)) < 1024 * 1024);
});
