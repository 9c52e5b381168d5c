import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { activePdqKernels } from '../signals/index.js';
import {
  allocateFps,
  decodeCostInHashes,
  estimateFramesPerSecond,
  measureFrameCost,
  measureViewsCost,
} from './frame-budget.js';
import { defaultFrameViews } from './frame-views.js';

describe('frame budget', () => {
  test('everything fits: everyone gets what they asked', () => {
    assert.deepEqual(allocateFps([1, 2, 0.5], 10, 0.2), [1, 2, 0.5]);
  });

  test('over budget: small requests in full, the rest share equally', () => {
    assert.deepEqual(allocateFps([1, 1, 4], 4, 0.2), [1, 1, 2]);
    assert.deepEqual(allocateFps([2, 2, 2, 2], 4, 0.2), [1, 1, 1, 1]);
  });

  test('refuses when even the floor does not fit', () => {
    assert.equal(allocateFps([1, 1, 1], 0.5, 0.2), undefined);
    assert.deepEqual(allocateFps([1, 1], 0.4, 0.2), [0.2, 0.2]);
  });

  test('property: never over budget, never above a request, never below the floor or the request', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.1, max: 30, noNaN: true }), { minLength: 1, maxLength: 40 }),
        fc.double({ min: 0.5, max: 200, noNaN: true }),
        (requested, budget) => {
          const allocation = allocateFps(requested, budget, 0.2);
          if (allocation === undefined) {
            assert.ok(requested.reduce((sum, fps) => sum + Math.min(fps, 0.2), 0) > budget);
            return;
          }
          const total = allocation.reduce((sum, fps) => sum + fps, 0);
          assert.ok(total <= budget + 1e-6);
          allocation.forEach((given, index) => {
            const asked = requested[index] as number;
            assert.ok(given <= asked + 1e-9);
            assert.ok(given >= Math.min(asked, 0.2) - 1e-9);
          });
          if (requested.reduce((sum, fps) => sum + fps, 0) > budget) assert.ok(Math.abs(total - budget) < 1e-6);
        },
      ),
    );
  });

  test('the estimate follows the measured cost', () => {
    assert.equal(
      estimateFramesPerSecond(7, 2, 0, 7, 8),
      23,
      'a sampled frame costs its hash and about 8 hashes of decoding',
    );
    assert.equal(estimateFramesPerSecond(10, 1, 0, 10, 8), 8);
    assert.equal(estimateFramesPerSecond(1, 64, 0, 1, 8), 500, 'never more than half of what the main thread can hash');
    assert.equal(estimateFramesPerSecond(5000, 2, 0, 5000, 8), 1, 'never below one frame per second');
    assert.equal(
      estimateFramesPerSecond(7, 2, 2, 7, 8),
      23,
      'on a few cores the pool changes nothing: decoding dominates',
    );
    assert.equal(estimateFramesPerSecond(1, 64, 64, 1, 8), 5333, 'with the pool the budget grows with the cores');
    assert.equal(estimateFramesPerSecond(1, 64, 4, 1, 8), 3000, 'but never beyond 75 % of what the workers can hash');
    const cost = measureFrameCost(320, 180, 3);
    assert.ok(cost > 0 && cost < 1000, `measured ${cost} ms`);
  });

  test('decoding is counted in hashes of the kernels frames are hashed on', () => {
    // A WASM hash is 4–5 times a JS hash's speed; ffmpeg's decoding did not change.
    assert.equal(decodeCostInHashes, activePdqKernels === 'wasm-simd' ? 18 : 8);
    assert.equal(estimateFramesPerSecond(2, 2, 2, 8, 18), 34, '2 × 1000 / (8 + 18 × 2) × 0.75');
    assert.equal(
      estimateFramesPerSecond(2, 2, 2, 8),
      estimateFramesPerSecond(2, 2, 2, 8, decodeCostInHashes),
      'the default is the constant',
    );
    assert.ok(
      estimateFramesPerSecond(2, 2, 2, 8, 18) < estimateFramesPerSecond(2, 2, 2, 8, 8),
      'counted in WASM hashes at the JS ratio, decoding would be undercounted and the budget too generous',
    );
  });

  test("a sampled frame's views count: the budget shrinks with what each frame costs to hash", () => {
    assert.equal(estimateFramesPerSecond(7, 2, 2, 7, 8), estimateFramesPerSecond(7, 2, 2, 7, 8), 'one view: as before');
    assert.equal(estimateFramesPerSecond(7, 2, 2, 21, 8), 19, '2 × 1000 / (21 + 8 × 7) × 0.75');
    assert.equal(
      estimateFramesPerSecond(1, 64, 64, 3, 8),
      4363,
      '64 × 1000 / (3 + 8 × 1) × 0.75: decoding in single hashes',
    );
    assert.equal(estimateFramesPerSecond(1, 64, 4, 3), 1000, 'the workers hash every view');
    assert.equal(estimateFramesPerSecond(1, 64, 0, 3), 166, 'and so does the main thread');
    // The measurement hashes every view that depends on the frame alone: with the defaults, the
    // whole frame, the picture inside the bars, and the inner and zoomed views of both.
    assert.equal(measureViewsCost(defaultFrameViews, 320, 180, 1).views, 6);
    assert.equal(measureViewsCost({ unletterbox: false, dihedral: false, moving: false }, 320, 180, 1).views, 1);
    const views = measureViewsCost(defaultFrameViews, 320, 180, 3).milliseconds;
    assert.ok(views > 0 && views < 1000, `measured ${views} ms`);
  });
});
