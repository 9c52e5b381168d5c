import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { borderLumaTolerance, contentBox, cropRgb, type RgbFrame } from './frame-borders.js';

/** A busy synthetic picture (a plainly fake pattern), RGB24. */
function picture(width: number, height: number, seed = 1): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const value = (((x * 7 + y * 13 + seed * 31) ^ (x * y + seed)) * 2654435761) >>> 24;
      rgb.set([value, (value * 3) & 255, 255 - value], (y * width + x) * 3);
    }
  }
  return rgb;
}

/** `inner` placed at (x, y) in a frame of `colour` (optionally noisy, as a lossy encoder leaves bars). */
function framed(
  inner: { width: number; height: number; rgb: Uint8Array },
  size: { width: number; height: number; x: number; y: number },
  colour: number,
  noise = 0,
): RgbFrame {
  const rgb = new Uint8Array(size.width * size.height * 3);
  for (let i = 0; i < rgb.length; i++)
    rgb[i] = Math.max(0, Math.min(255, colour + ((i * 7919) % (2 * noise + 1)) - noise));
  for (let row = 0; row < inner.height; row++) {
    const from = row * inner.width * 3;
    rgb.set(inner.rgb.subarray(from, from + inner.width * 3), ((size.y + row) * size.width + size.x) * 3);
  }
  return { width: size.width, height: size.height, rgb };
}

describe('contentBox (unletterboxing)', () => {
  const inner = { width: 160, height: 90, rgb: picture(160, 90) };

  test('finds letterbox bars (top and bottom) and gives back the picture exactly', () => {
    const frame = framed(inner, { width: 160, height: 160, x: 0, y: 35 }, 0);
    const box = contentBox(frame);
    assert.deepEqual(box, { x: 0, y: 35, width: 160, height: 90 });
    assert.deepEqual(cropRgb(frame, box), inner.rgb);
  });

  test('finds pillarbox bars of any flat colour, and both at once (windowbox)', () => {
    assert.deepEqual(contentBox(framed(inner, { width: 240, height: 90, x: 40, y: 0 }, 128)), {
      x: 40,
      y: 0,
      width: 160,
      height: 90,
    });
    assert.deepEqual(contentBox(framed(inner, { width: 200, height: 130, x: 20, y: 25 }, 16)), {
      x: 20,
      y: 25,
      width: 160,
      height: 90,
    });
  });

  test('bars noisy within the tolerance still count', () => {
    const frame = framed(inner, { width: 160, height: 140, x: 0, y: 10 }, 40, borderLumaTolerance - 8);
    assert.deepEqual(contentBox(frame), { x: 0, y: 10, width: 160, height: 90 });
  });

  test('a frame without borders, a flat frame and a frame that is mostly bar are not cropped', () => {
    assert.equal(contentBox({ width: 160, height: 90, rgb: inner.rgb }), undefined);
    assert.equal(contentBox({ width: 64, height: 64, rgb: new Uint8Array(64 * 64 * 3).fill(9) }), undefined);
    const sliver = { width: 160, height: 10, rgb: picture(160, 10) };
    assert.equal(contentBox(framed(sliver, { width: 160, height: 160, x: 0, y: 75 }, 0)), undefined);
  });

  test('a border of one line (encoder padding) is ignored', () => {
    assert.equal(contentBox(framed(inner, { width: 160, height: 91, x: 0, y: 1 }, 0)), undefined);
  });

  test('frames too small or with too few bytes are not cropped (no throw)', () => {
    assert.equal(contentBox({ width: 4, height: 4, rgb: new Uint8Array(48) }), undefined);
    assert.equal(contentBox({ width: 100, height: 100, rgb: new Uint8Array(10) }), undefined);
  });
});
