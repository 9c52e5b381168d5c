import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type PdqHash, pdqDistance } from '../pdq/index.js';
import { denseFrameSpacingBits, denseFrames } from './dense-frames.js';
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
