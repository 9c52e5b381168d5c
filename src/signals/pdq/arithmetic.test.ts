/**
 * The restructured float32 kernels against literal ports of the reference loops: the vertical
 * box pass walks rows instead of columns, and must still give bit-identical values.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { blurAndDecimate, boxAlongColumns, boxAlongRows, jaroszWindowSize } from './jarosz.js';
import { torbenMedian } from './median.js';

/** A literal port of `box1DFloat` (strided, one running float sum), the reference to match. */
function referenceBox1D(
  input: Float32Array,
  output: Float32Array,
  start: number,
  length: number,
  stride: number,
  window: number,
) {
  const half = Math.floor((window + 2) / 2);
  let sum = 0;
  let count = 0;
  let right = start;
  let left = start;
  let out = start;
  for (let i = 0; i < half - 1; i++) {
    sum = Math.fround(sum + (input[right] as number));
    count++;
    right += stride;
  }
  for (let i = 0; i < window - half + 1; i++) {
    sum = Math.fround(sum + (input[right] as number));
    count++;
    output[out] = Math.fround(sum / count);
    right += stride;
    out += stride;
  }
  for (let i = 0; i < length - window; i++) {
    sum = Math.fround(sum + (input[right] as number));
    sum = Math.fround(sum - (input[left] as number));
    output[out] = Math.fround(sum / count);
    left += stride;
    right += stride;
    out += stride;
  }
  for (let i = 0; i < half - 1; i++) {
    sum = Math.fround(sum - (input[left] as number));
    count--;
    output[out] = Math.fround(sum / count);
    left += stride;
    out += stride;
  }
}

const image = fc
  .record({
    rows: fc.integer({ min: 1, max: 40 }),
    cols: fc.integer({ min: 1, max: 40 }),
    window: fc.integer({ min: 1, max: 9 }),
  })
  .filter(({ rows, cols, window }) => window <= rows && window <= cols)
  .chain(({ rows, cols, window }) =>
    fc.record({
      rows: fc.constant(rows),
      cols: fc.constant(cols),
      window: fc.constant(window),
      values: fc.float32Array({
        minLength: rows * cols,
        maxLength: rows * cols,
        noNaN: true,
        noDefaultInfinity: true,
        min: -1e6,
        max: 1e6,
      }),
    }),
  );

describe('Jarosz box passes', () => {
  test('window size is ceil(dimension / 128)', () => {
    assert.deepEqual([1, 128, 129, 256, 257, 1004, 1600, 4000].map(jaroszWindowSize), [1, 1, 2, 2, 3, 8, 13, 32]);
  });

  test('property: the row pass equals the reference box1DFloat on every row', () => {
    fc.assert(
      fc.property(image, ({ rows, cols, window, values }) => {
        const ours = new Float32Array(rows * cols);
        const reference = new Float32Array(rows * cols);
        boxAlongRows(values, ours, rows, cols, window);
        for (let row = 0; row < rows; row++) referenceBox1D(values, reference, row * cols, cols, 1, window);
        assert.deepEqual(ours, reference);
      }),
    );
  });

  test('property: the row-order column pass equals the strided reference bit for bit', () => {
    fc.assert(
      fc.property(image, ({ rows, cols, window, values }) => {
        const ours = new Float32Array(rows * cols);
        const reference = new Float32Array(rows * cols);
        boxAlongColumns(values, ours, rows, cols, window, new Float32Array(cols));
        for (let col = 0; col < cols; col++) referenceBox1D(values, reference, col, rows, cols, window);
        assert.deepEqual(ours, reference);
      }),
    );
  });
});

/** The reference pipeline, literally: X, Y, X, Y full passes (strided columns), then decimation. */
function referenceBlurAndDecimate(luma: Float32Array, rows: number, cols: number): Float32Array {
  const windowAlongRows = jaroszWindowSize(cols);
  const windowAlongColumns = jaroszWindowSize(rows);
  const buffer = Float32Array.from(luma);
  const scratch = new Float32Array(rows * cols);
  for (let pass = 0; pass < 2; pass++) {
    for (let row = 0; row < rows; row++) referenceBox1D(buffer, scratch, row * cols, cols, 1, windowAlongRows);
    for (let col = 0; col < cols; col++) referenceBox1D(scratch, buffer, col, rows, cols, windowAlongColumns);
  }
  const out = new Float32Array(64 * 64);
  for (let i = 0; i < 64; i++) {
    for (let j = 0; j < 64; j++) {
      out[i * 64 + j] = buffer[
        Math.floor(((i + 0.5) * rows) / 64) * cols + Math.floor(((j + 0.5) * cols) / 64)
      ] as number;
    }
  }
  return out;
}

describe('blur and decimate', () => {
  test('property: equals the literal reference (four full passes, then decimation) bit for bit', () => {
    const size = fc.record({ rows: fc.integer({ min: 5, max: 400 }), cols: fc.integer({ min: 5, max: 400 }) });
    fc.assert(
      fc.property(size, fc.integer(), ({ rows, cols }, seed) => {
        const luma = new Float32Array(rows * cols);
        let state = seed >>> 0;
        for (let i = 0; i < luma.length; i++) {
          state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
          luma[i] = Math.fround((state >>> 8) / 65793);
        }
        const expected = referenceBlurAndDecimate(luma, rows, cols);
        const actual = new Float32Array(64 * 64);
        blurAndDecimate(Float32Array.from(luma), new Float32Array(rows * cols), rows, cols, actual);
        assert.deepEqual(actual, expected);
      }),
      { numRuns: 40 },
    );
  });
});

describe('Torben median', () => {
  test('property: returns the lower median (the 128th smallest of 256)', () => {
    fc.assert(
      fc.property(
        fc.float32Array({ minLength: 256, maxLength: 256, noNaN: true, noDefaultInfinity: true, min: -1e5, max: 1e5 }),
        (values) => {
          const sorted = Float32Array.from(values).sort();
          // Compared with === so that 0 and -0 (equal as float32 values) count as the same.
          const median = torbenMedian(values);
          assert.ok(median === sorted[127], `${median} !== ${sorted[127]}`);
        },
      ),
    );
  });

  test('handles many equal values', () => {
    const values = new Float32Array(256).fill(3);
    values[0] = -1;
    assert.equal(torbenMedian(values), 3);
  });
});
