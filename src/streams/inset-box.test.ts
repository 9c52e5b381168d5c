import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { lumaSteps, lumaStepsJs } from '../signals/index.js';
import { edgeLines, insetBox, insetBoxes, smallInsetSearch } from './inset-box.js';

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

  test("an inset whose side has the background's luma is widened to 16:9 when its top and bottom run on; a 4:3 inset is not", () => {
    // 160×90 at (100, 50): rings, then a band of its last 30 columns at luma 120, the luma of the
    // background to its right, so its right side shows no step; above and below the band the
    // background is dark, so the top and bottom steps run along the band.
    const inset = { x: 100, y: 50, width: 160, height: 90 };
    const rgb = new Uint8Array(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const inside = x >= inset.x && x < inset.x + inset.width && y >= inset.y && y < inset.y + inset.height;
        let value = x >= inset.x + inset.width ? 120 : 20;
        if (inside)
          value = x >= inset.x + 130 ? 120 : Math.round(170 + 40 * Math.sin(Math.hypot(x - inset.x, y - inset.y) / 10));
        rgb.set([value, value, value], (y * width + x) * 3);
      }
    }
    const found = insetBox({ width, height, rgb });
    assert.ok(found !== undefined, 'no inset found');
    assert.ok(
      Math.abs(found.x - inset.x) <= 2 &&
        Math.abs(found.y - inset.y) <= 2 &&
        Math.abs(found.width - inset.width) <= 2 &&
        Math.abs(found.height - inset.height) <= 2,
      `the whole 16:9 inset, not the part left of the band: ${JSON.stringify(found)}`,
    );
    // A 4:3 inset with all four sides over the smooth background stays 4:3.
    const square = { x: 60, y: 40, width: 120, height: 90 };
    const kept = insetBox(pictureInPicture(3, square));
    assert.ok(kept !== undefined && Math.abs(kept.width - square.width) <= 2, JSON.stringify(kept));
  });

  test('the small-inset search finds an inset under 4 % of the frame that the default search leaves', () => {
    // 56×32 of 320×180: 3.1 % of the frame, sides 17.5 % and 17.8 %.
    const inset = { x: 248, y: 132, width: 56, height: 32 };
    const frame = pictureInPicture(2, inset);
    assert.deepEqual(insetBoxes(frame), [], 'the default search stops at 4 %');
    const found = insetBoxes(frame, smallInsetSearch);
    assert.ok(found.length >= 1 && found.length <= smallInsetSearch.limit, `found ${found.length}`);
    const box = found.find((candidate) => Math.abs(candidate.x - inset.x) <= 2 && Math.abs(candidate.y - inset.y) <= 2);
    assert.ok(box !== undefined, `no box at the inset: ${JSON.stringify(found)}`);
    assert.ok(Math.abs(box.width - inset.width) <= 2 && Math.abs(box.height - inset.height) <= 2, JSON.stringify(box));
  });

  test('the small-inset search returns a small inset beside a larger one, largest first, each once', () => {
    const large = { x: 20, y: 20, width: 120, height: 80 };
    const small = { x: 240, y: 130, width: 56, height: 32 };
    const rgb = pictureInPicture(0, large).rgb;
    const other = pictureInPicture(3, small).rgb;
    // Paste the small inset's pixels into the frame with the large one.
    for (let y = small.y; y < small.y + small.height; y++)
      rgb.set(
        other.subarray((y * width + small.x) * 3, (y * width + small.x + small.width) * 3),
        (y * width + small.x) * 3,
      );
    const frame = { width, height, rgb };
    assert.equal(insetBoxes(frame).length, 1, 'the default search returns one rectangle');
    const found = insetBoxes(frame, smallInsetSearch);
    const near = (box: { x: number; y: number }, target: { x: number; y: number }) =>
      Math.abs(box.x - target.x) <= 2 && Math.abs(box.y - target.y) <= 2;
    assert.ok(found[0] !== undefined && near(found[0], large), `largest first: ${JSON.stringify(found)}`);
    assert.equal(found.filter((box) => near(box, small)).length, 1, `the small inset once: ${JSON.stringify(found)}`);
    for (let index = 1; index < found.length; index++)
      assert.ok(
        (found[index - 1]?.width ?? 0) * (found[index - 1]?.height ?? 0) >=
          (found[index]?.width ?? 0) * (found[index]?.height ?? 0),
      );
  });

  test('refuses frames too small to search', () => {
    assert.equal(insetBox({ width: 20, height: 20, rgb: new Uint8Array(20 * 20 * 3) }), undefined);
  });
});

/** The edge lines as a column-by-column walk finds them (the search before the row-major walk), the reference. */
function edgeLinesByColumn(steps: Uint8Array, frameWidth: number, frameHeight: number, minimumSideShare: number) {
  const minimum = Math.max(16, Math.round(frameHeight * minimumSideShare));
  const gap = Math.max(8, Math.round(frameHeight * 0.1));
  const lines: { at: number; from: number; to: number }[] = [];
  for (let x = 2; x < frameWidth - 1; x++) {
    let from = -1;
    let last = -1;
    for (let y = 0; y <= frameHeight; y++) {
      if (y < frameHeight && steps[y * frameWidth + x] === 1) {
        if (from < 0 || y - last > gap) {
          if (from >= 0 && last - from + 1 >= minimum) lines.push({ at: x, from, to: last });
          from = y;
        }
        last = y;
      }
    }
    if (from >= 0 && last - from + 1 >= minimum) lines.push({ at: x, from, to: last });
  }
  lines.sort((a, b) => b.to - b.from - (a.to - a.from));
  const kept: typeof lines = [];
  for (const line of lines) {
    if (kept.length >= 48) break;
    if (kept.some((other) => Math.abs(other.at - line.at) <= 1 && other.from <= line.to && line.from <= other.to))
      continue;
    kept.push(line);
  }
  return kept;
}

describe('edgeLines (the walk over the step mask)', () => {
  test('property: the same lines, in the same order, as the column-by-column walk', () => {
    const shape = fc.record({
      frameWidth: fc.integer({ min: 5, max: 203 }),
      frameHeight: fc.integer({ min: 20, max: 120 }),
      density: fc.integer({ min: 1, max: 40 }),
      seed: fc.integer(),
      share: fc.constantFrom(0.1, 0.15),
    });
    fc.assert(
      fc.property(shape, ({ frameWidth, frameHeight, density, seed, share }) => {
        // Vertical runs with gaps (many ties in length) over sparse noise.
        const steps = new Uint8Array(frameWidth * frameHeight);
        let state = seed >>> 0;
        const next = () => {
          state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
          return state >>> 8;
        };
        for (let x = 0; x < frameWidth; x++) {
          if (next() % 3 !== 0) continue;
          const from = next() % frameHeight;
          const to = Math.min(frameHeight, from + (next() % frameHeight));
          for (let y = from; y < to; y++) if (next() % 100 >= density / 4) steps[y * frameWidth + x] = 1;
        }
        for (let i = 0; i < steps.length; i++) if (next() % 100 < density / 4) steps[i] = 1;
        // An offset view, as a subarray of a larger buffer may be, takes the unaligned path.
        const shifted = new Uint8Array(steps.length + 1).subarray(1);
        shifted.set(steps);
        const expected = edgeLinesByColumn(steps, frameWidth, frameHeight, share);
        assert.deepEqual(edgeLines(steps, frameWidth, frameHeight, share), expected);
        assert.deepEqual(edgeLines(shifted, frameWidth, frameHeight, share), expected);
      }),
      { numRuns: 150 },
    );
  });
});

describe('lumaSteps (the byte luma and step mask the search reads)', () => {
  test("property: the WebAssembly kernels give the JS loop's bytes (any length: lane tails)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 5000 }),
        fc.integer({ min: 1, max: 255 }),
        fc.integer(),
        (count, step, seed) => {
          const rgb = new Uint8Array(count * 3);
          let state = seed >>> 0;
          for (let i = 0; i < rgb.length; i++) {
            state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
            rgb[i] = state >>> 24;
          }
          const fast = lumaSteps(rgb, count, step);
          const plain = lumaStepsJs(rgb, count, step);
          assert.deepEqual([...fast.luma], [...plain.luma]);
          assert.deepEqual([...fast.steps], [...plain.steps]);
        },
      ),
      { numRuns: 100 },
    );
  });
});
