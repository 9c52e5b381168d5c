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

/** Horizontal box filter of every row of `input` (rows × cols) into `output`. */
export function boxAlongRows(
  input: Float32Array,
  output: Float32Array,
  rows: number,
  cols: number,
  window: number,
): void {
  const phases = boxPhases(cols, window);
  for (let row = 0; row < rows; row++) {
    const base = row * cols;
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
      sum = Math.fround(sum + (input[right++] as number));
      sum = Math.fround(sum - (input[left++] as number));
      output[out++] = sum / count;
    }
    for (let i = 0; i < phases.shrinking; i++) {
      sum = Math.fround(sum - (input[left++] as number));
      count--;
      output[out++] = sum / count;
    }
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

/**
 * Two X-then-Y passes over `buffer` (rows × cols), using `scratch` (same size) for the
 * intermediate; the result is left in `buffer`, as `jaroszFilterFloat` does.
 */
export function jaroszFilter(buffer: Float32Array, scratch: Float32Array, rows: number, cols: number): void {
  const windowAlongRows = jaroszWindowSize(cols);
  const windowAlongColumns = jaroszWindowSize(rows);
  const sums = new Float32Array(cols);
  for (let pass = 0; pass < 2; pass++) {
    boxAlongRows(buffer, scratch, rows, cols, windowAlongRows);
    boxAlongColumns(scratch, buffer, rows, cols, windowAlongColumns, sums);
  }
}

/**
 * Nearest-sample decimation to 64×64 at the target centres:
 * `out[i][j] = in[floor((i + 0.5)·rows/64)][floor((j + 0.5)·cols/64)]`.
 */
export function decimateTo64(input: Float32Array, rows: number, cols: number, output: Float32Array): void {
  for (let i = 0; i < 64; i++) {
    const sourceRow = Math.floor(((i + 0.5) * rows) / 64) * cols;
    for (let j = 0; j < 64; j++) {
      output[i * 64 + j] = input[sourceRow + Math.floor(((j + 0.5) * cols) / 64)] as number;
    }
  }
}
