import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { insetBox } from './inset-box.js';

const width = 320;
const height = 180;

/**
 * A smooth moving gradient (plainly fake background) with, inside `box`, soft rings (a picture
 * without straight lines of its own): a
 * picture-in-picture inset over a background that moves too (where `MovingRegion` sees everything
 * moving).
 */
function pictureInPicture(step: number, box: { x: number; y: number; width: number; height: number } | undefined) {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inside = box !== undefined && x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height;
      const value = inside
        ? Math.round(150 + 50 * Math.sin(Math.hypot(x - box.x, y - box.y) / 10 + step))
        : Math.round(20 + (x + y + step * 7) * 0.1);
      rgb.set([value, value, value], (y * width + x) * 3);
    }
  }
  return { width, height, rgb };
}

describe('insetBox (a picture pasted into a frame)', () => {
  test('finds an inset in a corner of a moving background, to within two pixels', () => {
    const inset = { x: 200, y: 100, width: 104, height: 64 };
    for (const step of [0, 1, 5]) {
      const found = insetBox(pictureInPicture(step, inset));
      assert.ok(found !== undefined, `frame ${step}: no inset found`);
      assert.ok(Math.abs(found.x - inset.x) <= 2, `x ${found.x}`);
      assert.ok(Math.abs(found.y - inset.y) <= 2, `y ${found.y}`);
      assert.ok(Math.abs(found.width - inset.width) <= 2, `width ${found.width}`);
      assert.ok(Math.abs(found.height - inset.height) <= 2, `height ${found.height}`);
    }
  });

  test('finds nothing in a smooth frame, nor an inset too small or too large to hash', () => {
    assert.equal(insetBox(pictureInPicture(0, undefined)), undefined);
    assert.equal(insetBox(pictureInPicture(0, { x: 10, y: 10, width: 30, height: 20 })), undefined, 'under 4 %');
    assert.equal(insetBox(pictureInPicture(0, { x: 2, y: 2, width: 316, height: 176 })), undefined, 'over 80 %');
  });

  test('refuses frames too small to search', () => {
    assert.equal(insetBox({ width: 20, height: 20, rgb: new Uint8Array(20 * 20 * 3) }), undefined);
  });
});
