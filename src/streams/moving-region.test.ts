import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MovingRegion, movementCellSize } from './moving-region.js';

const width = 320;
const height = 180;

/** A still "desktop" (plainly fake: flat panels) with a changing picture inside `box`. */
function desktop(step: number, box = { x: 96, y: 48, width: 160, height: 96 }, everywhere = false) {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inside = x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height;
      const value = inside || everywhere ? (x * 3 + y * 5 + step * 97) % 256 : y < 20 ? 60 : x < 64 ? 40 : 30;
      rgb.set([value, value, value], (y * width + x) * 3);
    }
  }
  return { width, height, rgb };
}

describe('MovingRegion (the part of a stream that moves)', () => {
  test('finds a video playing inside a still screen, within a cell of its edges', () => {
    const region = new MovingRegion();
    assert.equal(region.observe(desktop(0)), undefined, 'one frame: nothing to compare yet');
    const box = region.observe(desktop(1));
    assert.ok(box !== undefined);
    for (const [found, wanted] of [
      [box.x, 96],
      [box.y, 48],
      [box.width, 160],
      [box.height, 96],
    ] as const)
      assert.ok(Math.abs(found - wanted) <= movementCellSize, `${JSON.stringify(box)}`);
  });

  test('nothing when the whole frame moves, when nothing moves, or when only a sliver moves', () => {
    const whole = new MovingRegion();
    whole.observe(desktop(0, undefined, true));
    assert.equal(whole.observe(desktop(1, undefined, true)), undefined);
    const still = new MovingRegion();
    still.observe(desktop(0));
    assert.equal(still.observe(desktop(0)), undefined);
    const sliver = new MovingRegion();
    const clock = { x: 300, y: 4, width: 16, height: 8 };
    sliver.observe(desktop(0, clock));
    assert.equal(sliver.observe(desktop(1, clock)), undefined);
  });

  test('a change of frame size starts over; short buffers are refused without a throw', () => {
    const region = new MovingRegion();
    region.observe(desktop(0));
    assert.equal(region.observe({ width: 160, height: 90, rgb: new Uint8Array(160 * 90 * 3) }), undefined);
    assert.equal(region.observe({ width: 160, height: 90, rgb: new Uint8Array(10) }), undefined);
  });
});
