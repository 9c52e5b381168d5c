import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { centreBox, cropRgb, hashPixels, innerViewShare, type PdqHash, pdqDistance } from '../signals/index.js';
import { frameHasher } from './frame-views.js';

/** A smooth synthetic scene (plainly fake: gradients and blobs), RGB24, with PDQ quality ≥ 50. */
function scene(width: number, height: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const value = 128 + 60 * Math.sin(x / 9) * Math.cos(y / 13) + 50 * Math.sin((x + 2 * y) / 31) + (x / width) * 20;
      rgb.set([value, value, value], (y * width + x) * 3);
    }
  }
  return rgb;
}

function mirror(rgb: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(rgb.length);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      out.set(rgb.subarray((y * width + x) * 3, (y * width + x) * 3 + 3), (y * width + width - 1 - x) * 3);
  return out;
}

describe('frameHasher (the views of a stream frame that are looked up)', () => {
  const width = 192;
  const height = 108;
  const original = scene(width, height);
  const banked = hashPixels({ width, height, channels: 3, data: original });

  test('a letterboxed frame: its unboxed view hashes as the original picture; the whole frame does not', () => {
    const boxed = new Uint8Array(width * 192 * 3);
    boxed.set(original, 42 * width * 3);
    const frame = { index: 0, timestamp: 0, width, height: 192, rgb: boxed };
    const hashed = frameHasher({ unletterbox: true, dihedral: false, moving: false })(frame);
    assert.ok(pdqDistance(hashed.hash as PdqHash, banked.hash) > 31, 'the bars move the whole-frame hash away');
    assert.equal(hashed.views?.length, 1);
    assert.equal(hashed.views?.[0]?.view, 'unboxed');
    assert.equal(hashed.views?.[0]?.hash, banked.hash);
    assert.deepEqual(frameHasher({ unletterbox: false, dihedral: false, moving: false })(frame).views, []);
  });

  test("a frame without borders has no other view, and its hash is the whole frame's", () => {
    const hashed = frameHasher({ unletterbox: true, dihedral: false, moving: false })({
      index: 0,
      timestamp: 0,
      width,
      height,
      rgb: original,
    });
    assert.deepEqual(hashed.views, []);
    assert.equal(hashed.hash, banked.hash);
    assert.equal(hashed.variants, undefined);
  });

  test('a mirrored frame: its flipY variant is within the match threshold of the original', () => {
    const frame = { index: 0, timestamp: 0, width, height, rgb: mirror(original, width, height) };
    const hashed = frameHasher({ unletterbox: true, dihedral: true, moving: false })(frame);
    assert.ok(pdqDistance(hashed.hash as PdqHash, banked.hash) > 31, 'mirrored, the plain hash does not match');
    assert.equal(Object.keys(hashed.variants ?? {}).length, 7);
    assert.ok(pdqDistance((hashed.variants?.flipY ?? '') as PdqHash, banked.hash) <= 31);
  });

  test('the inner view is the middle 60 % of the picture, cut as banking cuts it: overlays in the corners leave it as banked', () => {
    const middle = centreBox(width, height, innerViewShare);
    const bankedInner = hashPixels({
      width: middle.width,
      height: middle.height,
      channels: 3,
      data: cropRgb({ width, height, rgb: original }, middle),
    }).hash;
    // A "camera box" in the bottom right corner and a "logo" in the top left (flat blocks, plainly fake).
    const overlaid = original.slice();
    const paint = (x0: number, y0: number, x1: number, y1: number, colour: number[]) => {
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) overlaid.set(colour, (y * width + x) * 3);
    };
    paint(width - 36, height - 20, width, height, [230, 40, 40]);
    paint(2, 2, 36, 20, [250, 250, 250]);
    const views = { unletterbox: true, dihedral: false, moving: false, inner: true } as const;
    const hashed = frameHasher(views)({ index: 0, timestamp: 0, width, height, rgb: overlaid });
    assert.notEqual(hashed.hash, banked.hash, 'the overlays change the whole frame');
    assert.equal(hashed.views?.find((view) => view.view === 'inner')?.hash, bankedInner);
    // Letterboxed, the inner view is cut from the picture inside the bars: the same pixels again.
    const boxed = new Uint8Array(width * 192 * 3);
    boxed.set(original, 42 * width * 3);
    const boxedHashes = frameHasher(views)({ index: 0, timestamp: 0, width, height: 192, rgb: boxed });
    assert.equal(boxedHashes.views?.find((view) => view.view === 'inner')?.hash, bankedInner);
  });
});
