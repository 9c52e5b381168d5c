/**
 * The WebAssembly SIMD kernels against the plain-JS ones: the 64×64 buffer and the 16×16 DCT must
 * be the same float32 values bit for bit, for every shape (odd widths leave a lane tail, short
 * heights a partial group of four rows), grey and RGB, and whatever an earlier, larger call left in
 * linear memory. The conformance suite checks both paths against the C++ core's hashes.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { assemblePdqKernels, generatedPath, generatedSource } from '../../../scripts/build-pdq-wasm.js';
import { dct64To16 } from './dct.js';
import { hashPixels, hashPixelsDihedral, hashPixelsDihedralJs, hashPixelsJs } from './hasher.js';
import { blurAndDecimate } from './jarosz.js';
import { lumaFromPixels, type PixelBuffer } from './luma.js';
import { activePdqKernels, pdqDctWithWasm } from './wasm-kernels.js';

function pseudoRandomPixels(width: number, height: number, channels: 1 | 3, seed: number): PixelBuffer {
  const data = new Uint8Array(width * height * channels);
  let state = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    // Smooth structure plus noise, so the blur's sums take many distinct values.
    data[i] = ((i % (width * channels)) + (state >>> 29) * 9 + Math.floor(i / (width * channels))) & 255;
  }
  return { width, height, channels, data };
}

/** The JS kernels' 64×64 buffer (a 64×64 image is used unfiltered, as `hasher.ts` does) and DCT. */
function pdqDctWithJs(pixels: PixelBuffer): { buffer64: Float32Array; dct: Float32Array } {
  const luma = lumaFromPixels(pixels);
  let buffer64 = luma;
  if (pixels.width !== 64 || pixels.height !== 64) {
    buffer64 = new Float32Array(64 * 64);
    blurAndDecimate(luma, new Float32Array(luma.length), pixels.height, pixels.width, buffer64);
  }
  const dct = new Float32Array(16 * 16);
  dct64To16(buffer64, dct, new Float32Array(16 * 64));
  return { buffer64, dct };
}

/** Both paths' 64×64 buffers and DCTs are equal bit for bit. */
function assertSameAsJs(pixels: PixelBuffer): void {
  const what = `${pixels.width}×${pixels.height}×${pixels.channels}`;
  const actual = pdqDctWithWasm(pixels);
  assert.ok(actual !== undefined, `${what}: the WebAssembly kernels ran`);
  const expected = pdqDctWithJs(pixels);
  assertSameFloats(actual.buffer64, expected.buffer64, `${what} 64×64`);
  assertSameFloats(actual.dct, expected.dct, `${what} DCT`);
}

function assertSameFloats(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, what);
  const actualBits = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const expectedBits = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  const first = actualBits.findIndex((bits, index) => bits !== expectedBits[index]);
  assert.equal(first, -1, `${what}: first differing value at ${first}: ${actual[first]} ≠ ${expected[first]}`);
}

describe('PDQ WebAssembly kernels', () => {
  test('the committed module is a fresh assembly of kernels.wat', async () => {
    const committed = readFileSync(generatedPath, 'utf8');
    assert.equal(
      committed,
      generatedSource(await assemblePdqKernels()),
      'run node --import tsx scripts/build-pdq-wasm.ts',
    );
  });

  test('Node 20 runs WebAssembly SIMD, so hashPixels takes the WebAssembly path', () => {
    assert.equal(activePdqKernels, 'wasm-simd');
  });

  test('property: the 64×64 buffer and the DCT equal the JS kernels bit for bit (any shape, grey or RGB)', () => {
    const shape = fc.record({
      width: fc.integer({ min: 5, max: 300 }),
      height: fc.integer({ min: 5, max: 300 }),
      channels: fc.constantFrom<1 | 3>(1, 3),
      seed: fc.integer(),
    });
    fc.assert(
      fc.property(shape, ({ width, height, channels, seed }) => {
        assertSameAsJs(pseudoRandomPixels(width, height, channels, seed));
      }),
      { numRuns: 60 },
    );
  });

  test('edge shapes: 5×5, 64×64, one row or column group short, lane tails of 1..3', () => {
    const shapes: [number, number][] = [
      [5, 5],
      [64, 64],
      [63, 64],
      [64, 63],
      [65, 65],
      [5, 1000],
      [1000, 5],
      [129, 7],
      [130, 6],
      [131, 9],
      [640, 480],
    ];
    for (const [width, height] of shapes) {
      for (const channels of [1, 3] as const) {
        assertSameAsJs(pseudoRandomPixels(width, height, channels, width * 31 + height));
      }
    }
  });

  test('a smaller image after a larger one is not affected by what the larger left in memory', () => {
    const large = pseudoRandomPixels(900, 700, 3, 1);
    const small = pseudoRandomPixels(37, 23, 3, 2);
    const before = hashPixels(small);
    hashPixels(large);
    assert.deepEqual(hashPixels(small), before);
    assert.deepEqual(before, hashPixelsJs(small));
  });

  test('hashes and dihedral hashes equal the JS path; too-small images hash to zero on both', () => {
    for (const pixels of [pseudoRandomPixels(333, 250, 3, 7), pseudoRandomPixels(4, 400, 3, 8)]) {
      assert.deepEqual(hashPixels(pixels), hashPixelsJs(pixels));
      assert.deepEqual(hashPixelsDihedral(pixels), hashPixelsDihedralJs(pixels));
    }
  });

  test('a pixel buffer shorter than width × height × channels is left to the JS kernels', () => {
    const pixels = pseudoRandomPixels(40, 30, 3, 4);
    const short: PixelBuffer = { ...pixels, data: pixels.data.subarray(0, pixels.data.length - 1) };
    assert.equal(pdqDctWithWasm(short), undefined);
    assert.deepEqual(hashPixels(short), hashPixelsJs(short));
    assert.ok(pdqDctWithWasm(pixels) !== undefined);
  });

  test('an image too large for the retained memory uses a throwaway instance, bit for bit', () => {
    // 5000×5000 grey needs ~225 MB of linear memory, above the 192 MB the shared instance keeps.
    const width = 5000;
    const height = 5000;
    const data = new Uint8Array(width * height);
    for (let row = 0; row < height; row++) data.fill((row * 7) & 255, row * width, row * width + (row % width));
    const pixels: PixelBuffer = { width, height, channels: 1, data };
    assert.deepEqual(hashPixels(pixels), hashPixelsJs(pixels));
    const small = pseudoRandomPixels(40, 50, 1, 3);
    assert.deepEqual(hashPixels(small), hashPixelsJs(small), 'the shared instance still serves');
  });
});
