/**
 * `LumaFrame` against the straightforward computation: every rectangle's hash (and dihedral
 * hashes) must equal, bit for bit, `hashPixels` of the rectangle's pixels cut out with `cropRgb`,
 * on the WebAssembly kernels, after another hash overwrote their memory, and on the JS kernels (a
 * worker thread without `WebAssembly`).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { cropRgb, type FrameBox } from './frame-borders.js';
import { LumaFrame } from './frame-luma.js';
import { hashPixels, hashPixelsDihedral } from './hasher.js';
import type { PixelBuffer } from './luma.js';

function pseudoRandomRgb(width: number, height: number, seed: number): PixelBuffer {
  const data = new Uint8Array(width * height * 3);
  let state = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    data[i] = ((i % (width * 3)) + (state >>> 29) * 9 + Math.floor(i / (width * 3))) & 255;
  }
  return { width, height, channels: 3, data };
}

/** What a view hashed before `LumaFrame`: its pixels copied out, then hashed. */
function cutOut(pixels: PixelBuffer, box: FrameBox): PixelBuffer {
  return { width: box.width, height: box.height, channels: 3, data: cropRgb({ ...pixels, rgb: pixels.data }, box) };
}

const boxIn = (width: number, height: number) =>
  fc
    .record({
      x: fc.nat(width - 1),
      y: fc.nat(height - 1),
      w: fc.integer({ min: 1, max: width }),
      h: fc.integer({ min: 1, max: height }),
    })
    .map(({ x, y, w, h }) => ({ x, y, width: Math.min(w, width - x), height: Math.min(h, height - y) }));

describe('LumaFrame (one luma, many rectangles)', () => {
  test('property: each rectangle hashes as its pixels cut out (plain and dihedral), bit for bit', () => {
    const pixels = pseudoRandomRgb(333, 201, 11);
    const luma = new LumaFrame(pixels);
    fc.assert(
      fc.property(boxIn(333, 201), (box) => {
        assert.deepEqual(luma.hash(box), hashPixels(cutOut(pixels, box)), JSON.stringify(box));
        assert.deepEqual(luma.hashDihedral(box), hashPixelsDihedral(cutOut(pixels, box)), JSON.stringify(box));
      }),
      { numRuns: 40 },
    );
  });

  test('edge boxes: the whole image, full-width bands, 64×64, 5×5, too small to hash', () => {
    const pixels = pseudoRandomRgb(1280, 720, 5);
    const luma = new LumaFrame(pixels);
    const boxes: FrameBox[] = [
      { x: 0, y: 0, width: 1280, height: 720 },
      { x: 0, y: 90, width: 1280, height: 540 },
      { x: 7, y: 3, width: 64, height: 64 },
      { x: 1275, y: 715, width: 5, height: 5 },
      { x: 10, y: 10, width: 4, height: 300 },
    ];
    for (const box of boxes) {
      assert.deepEqual(luma.hash(box), hashPixels(cutOut(pixels, box)), JSON.stringify(box));
      assert.deepEqual(luma.hashDihedral(box), hashPixelsDihedral(cutOut(pixels, box)), JSON.stringify(box));
    }
  });

  test("another hash in between (which overwrites the kernels' memory) changes nothing: the luma is computed again", () => {
    const pixels = pseudoRandomRgb(300, 200, 3);
    const other = pseudoRandomRgb(400, 300, 4);
    const luma = new LumaFrame(pixels);
    const box = { x: 20, y: 30, width: 200, height: 120 };
    const expected = hashPixels(cutOut(pixels, box));
    hashPixels(other);
    assert.deepEqual(luma.hash(box), expected);
    new LumaFrame(other).hash({ x: 0, y: 0, width: 400, height: 300 });
    assert.deepEqual(luma.hash(box), expected);
  });

  test('a rectangle outside the image is refused', () => {
    const luma = new LumaFrame(pseudoRandomRgb(100, 80, 1));
    assert.throws(() => luma.hash({ x: 50, y: 0, width: 60, height: 10 }), RangeError);
    assert.throws(() => luma.hash({ x: -1, y: 0, width: 10, height: 10 }), RangeError);
    assert.throws(() => luma.hash({ x: 0.5, y: 0, width: 10, height: 10 }), RangeError);
  });

  test('without WebAssembly (the JS kernels, in a worker thread) the hashes are the same', async () => {
    const pixels = pseudoRandomRgb(257, 143, 9);
    const boxes: FrameBox[] = [
      { x: 0, y: 0, width: 257, height: 143 },
      { x: 13, y: 21, width: 150, height: 90 },
      { x: 100, y: 0, width: 64, height: 64 },
    ];
    const module = new URL('./frame-luma.ts', import.meta.url).href;
    const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
    // WebAssembly goes before tsx is loaded (so the worker does not inherit `--import tsx`): tsx
    // starts loading its WebAssembly lexer when it finds the global, and deleting the global while
    // that load is in flight failed the worker (seen once under load); without it tsx parses in JS.
    const script = `delete globalThis.WebAssembly;
      (await import(${tsx})).register();
      const { parentPort, workerData } = await import('node:worker_threads');
      const { LumaFrame } = await import(${JSON.stringify(module)});
      const { activePdqKernels } = await import(${JSON.stringify(new URL('./wasm-kernels.ts', import.meta.url).href)});
      const luma = new LumaFrame(workerData.pixels);
      parentPort.postMessage({ kernels: activePdqKernels, hashes: workerData.boxes.map((box) => [luma.hash(box), luma.hashDihedral(box)]) });`;
    const worker = new Worker(script, { eval: true, execArgv: [], workerData: { pixels, boxes } });
    const reply = await new Promise<{ kernels: string; hashes: unknown[] }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    assert.equal(reply.kernels, 'js');
    assert.deepEqual(
      reply.hashes,
      boxes.map((box) => [hashPixels(cutOut(pixels, box)), hashPixelsDihedral(cutOut(pixels, box))]),
    );
  });
});
