/**
 * The Jarosz "tent" filter of the PDQ reference: two rounds of a horizontal then a vertical box
 * filter, in float32, exactly as `pdq/cpp/downscaling/downscaling.cpp` computes it.
 *
 * Why float32 everywhere: the reference keeps its running sums in `float`. A float64 sum rounds
 * differently, and on symmetric or flat images that flips many hash bits (see
 * `notes/pdq-algorithm.md` §3 and `pdq-performance.md` §3). Storing into a `Float32Array` and
 * wrapping every scalar step in `Math.fround` reproduces float32 arithmetic exactly: one IEEE
 * operation done in float64 and rounded once to float32 equals the float32 operation.
 *
 * Why a different loop order: the reference runs the vertical pass column by column, a strided,
 * cache-hostile walk. Here the vertical pass keeps one running sum per column and walks the rows
 * in order. Each column still sees the same additions in the same order, so every value is
 * bit-identical, and the pass reads memory sequentially.
 */

/** Window size of one box pass: ceil(dimension / 128), as `computeJaroszFilterWindowSize(n, 64)`. */
export function jaroszWindowSize(dimension: number): number {
  return Math.floor((dimension + 2 * 64 - 1) / (2 * 64));
}

/** The four phase lengths of `box1DFloat` for a line of `length` samples and a window of `window`. */
function boxPhases(length: number, window: number) {
  const half = Math.floor((window + 2) / 2);
  return { warmUp: half - 1, growing: window - half + 1, sliding: length - window, shrinking: half - 1 };
}

/**
 * Horizontal box filter of every row of `input` (rows × cols) into `output`.
 *
 * Each row's running sum is a chain of dependent float32 additions, so rows are filtered four at
 * a time: four independent chains keep the CPU's adders busy. Every row still sees exactly its
 * own additions in order.
 */
export function boxAlongRows(
  input: Float32Array,
  output: Float32Array,
  rows: number,
  cols: number,
  window: number,
): void {
  let row = 0;
  for (; row + 4 <= rows; row += 4) boxFourRows(input, output, row * cols, cols, window);
  for (; row < rows; row++) boxOneRow(input, output, row * cols, cols, window);
}

function boxOneRow(input: Float32Array, output: Float32Array, base: number, cols: number, window: number): void {
  const phases = boxPhases(cols, window);
  let sum = 0;
  let count = 0;
  let right = base;
  let left = base;
  let out = base;
  for (let i = 0; i < phases.warmUp; i++) {
    sum = Math.fround(sum + (input[right++] as number));
    count++;
  }
  for (let i = 0; i < phases.growing; i++) {
    sum = Math.fround(sum + (input[right++] as number));
    count++;
    output[out++] = sum / count;
  }
  for (let i = 0; i < phases.sliding; i++) {
    sum = Math.fround(Math.fround(sum + (input[right++] as number)) - (input[left++] as number));
    output[out++] = sum / count;
  }
  for (let i = 0; i < phases.shrinking; i++) {
    sum = Math.fround(sum - (input[left++] as number));
    count--;
    output[out++] = sum / count;
  }
}

/** `boxOneRow` on the four rows starting at `base`, interleaved. */
function boxFourRows(input: Float32Array, output: Float32Array, base: number, cols: number, window: number): void {
  const phases = boxPhases(cols, window);
  const b1 = base + cols;
  const b2 = b1 + cols;
  const b3 = b2 + cols;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let count = 0;
  let right = 0;
  let left = 0;
  let out = 0;
  for (let i = 0; i < phases.warmUp; i++, right++) {
    s0 = Math.fround(s0 + (input[base + right] as number));
    s1 = Math.fround(s1 + (input[b1 + right] as number));
    s2 = Math.fround(s2 + (input[b2 + right] as number));
    s3 = Math.fround(s3 + (input[b3 + right] as number));
    count++;
  }
  for (let i = 0; i < phases.growing; i++, right++, out++) {
    s0 = Math.fround(s0 + (input[base + right] as number));
    s1 = Math.fround(s1 + (input[b1 + right] as number));
    s2 = Math.fround(s2 + (input[b2 + right] as number));
    s3 = Math.fround(s3 + (input[b3 + right] as number));
    count++;
    output[base + out] = s0 / count;
    output[b1 + out] = s1 / count;
    output[b2 + out] = s2 / count;
    output[b3 + out] = s3 / count;
  }
  for (let i = 0; i < phases.sliding; i++, right++, left++, out++) {
    s0 = Math.fround(Math.fround(s0 + (input[base + right] as number)) - (input[base + left] as number));
    s1 = Math.fround(Math.fround(s1 + (input[b1 + right] as number)) - (input[b1 + left] as number));
    s2 = Math.fround(Math.fround(s2 + (input[b2 + right] as number)) - (input[b2 + left] as number));
    s3 = Math.fround(Math.fround(s3 + (input[b3 + right] as number)) - (input[b3 + left] as number));
    output[base + out] = s0 / count;
    output[b1 + out] = s1 / count;
    output[b2 + out] = s2 / count;
    output[b3 + out] = s3 / count;
  }
  for (let i = 0; i < phases.shrinking; i++, left++, out++) {
    s0 = Math.fround(s0 - (input[base + left] as number));
    s1 = Math.fround(s1 - (input[b1 + left] as number));
    s2 = Math.fround(s2 - (input[b2 + left] as number));
    s3 = Math.fround(s3 - (input[b3 + left] as number));
    count--;
    output[base + out] = s0 / count;
    output[b1 + out] = s1 / count;
    output[b2 + out] = s2 / count;
    output[b3 + out] = s3 / count;
  }
}

/**
 * Vertical box filter of every column of `input` into `output`, one running float32 sum per
 * column (held in `sums`, length ≥ cols), walking rows in memory order.
 */
export function boxAlongColumns(
  input: Float32Array,
  output: Float32Array,
  rows: number,
  cols: number,
  window: number,
  sums: Float32Array,
): void {
  const phases = boxPhases(rows, window);
  sums.fill(0, 0, cols);
  let right = 0;
  let left = 0;
  let out = 0;
  let count = 0;
  for (let i = 0; i < phases.warmUp; i++) {
    const offset = right++ * cols;
    for (let col = 0; col < cols; col++) sums[col] = (sums[col] as number) + (input[offset + col] as number);
    count++;
  }
  for (let i = 0; i < phases.growing; i++) {
    const offset = right++ * cols;
    const outOffset = out++ * cols;
    count++;
    for (let col = 0; col < cols; col++) {
      const sum = Math.fround((sums[col] as number) + (input[offset + col] as number));
      sums[col] = sum;
      output[outOffset + col] = sum / count;
    }
  }
  for (let i = 0; i < phases.sliding; i++) {
    const addOffset = right++ * cols;
    const subtractOffset = left++ * cols;
    const outOffset = out++ * cols;
    for (let col = 0; col < cols; col++) {
      const added = Math.fround((sums[col] as number) + (input[addOffset + col] as number));
      const sum = Math.fround(added - (input[subtractOffset + col] as number));
      sums[col] = sum;
      output[outOffset + col] = sum / count;
    }
  }
  for (let i = 0; i < phases.shrinking; i++) {
    const subtractOffset = left++ * cols;
    const outOffset = out++ * cols;
    count--;
    for (let col = 0; col < cols; col++) {
      const sum = Math.fround((sums[col] as number) - (input[subtractOffset + col] as number));
      sums[col] = sum;
      output[outOffset + col] = sum / count;
    }
  }
}

/** floor((i + 0.5)·n/64) for i = 0..63: the rows or columns the decimation samples. */
export function samplePositions(n: number): Int32Array {
  const positions = new Int32Array(64);
  for (let i = 0; i < 64; i++) positions[i] = Math.floor(((i + 0.5) * n) / 64);
  return positions;
}

/**
 * The Jarosz filter (two X-then-Y box passes) followed by decimation to 64×64, as
 * `jaroszFilterFloat` + `decimateFloat`, writing the 64×64 result into `output`.
 *
 * Only the 64 sampled columns of the last vertical pass are ever read, so that pass runs on
 * those columns alone (each column's running sum is independent of the others), saving about a
 * quarter of the work with bit-identical results. `buffer` (the luma, rows × cols) and `scratch`
 * (same size) are overwritten.
 */
export function blurAndDecimate(
  buffer: Float32Array,
  scratch: Float32Array,
  rows: number,
  cols: number,
  output: Float32Array,
): void {
  const windowAlongRows = jaroszWindowSize(cols);
  const windowAlongColumns = jaroszWindowSize(rows);
  const sums = new Float32Array(cols);
  boxAlongRows(buffer, scratch, rows, cols, windowAlongRows);
  boxAlongColumns(scratch, buffer, rows, cols, windowAlongColumns, sums);
  boxAlongRows(buffer, scratch, rows, cols, windowAlongRows);
  const sampleRows = samplePositions(rows);
  const sampleColumns = samplePositions(cols);
  const column = new Float32Array(rows);
  const filtered = new Float32Array(rows);
  for (let j = 0; j < 64; j++) {
    const col = sampleColumns[j] as number;
    for (let row = 0; row < rows; row++) column[row] = scratch[row * cols + col] as number;
    boxOneRow(column, filtered, 0, rows, windowAlongColumns);
    for (let i = 0; i < 64; i++) output[i * 64 + j] = filtered[sampleRows[i] as number] as number;
  }
}
