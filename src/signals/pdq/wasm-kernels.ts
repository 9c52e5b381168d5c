/**
 * PDQ's numeric work in WebAssembly SIMD: luma, the Jarosz filter's box passes, the decimation to
 * 64×64 and the 16×16 DCT (`kernels.wat`). The 64×64 buffer and the DCT it returns are
 * bit-identical to what the plain-JS kernels (`luma.ts`, `jarosz.ts`, `dct.ts`) compute, because
 * the same float32 operations run in the same order; the quality and the median stay in JS.
 *
 * Memory: one shared instance serves every call (hashing is synchronous; each worker thread has
 * its own). Its linear memory grows to the largest image hashed up to `retainBytes`; a larger
 * image gets a throwaway instance, so one huge photo does not pin its memory for the life of the
 * process (wasm memory never shrinks). When WebAssembly SIMD is missing or memory cannot grow,
 * the functions return `undefined` and the caller uses the JS kernels.
 */
import { dctMatrix } from './dct.js';
import { jaroszWindowSize, samplePositions } from './jarosz.js';
import { pdqKernelsBase64 } from './kernels-wasm.js';
import type { PixelBuffer } from './luma.js';

/** The slice of the WebAssembly JS API used here (the project's `lib` is ES2023, without DOM types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

interface KernelExports {
  readonly memory: WasmMemory;
  lumaRgb(source: number, target: number, count: number): void;
  lumaGrey(source: number, target: number, count: number): void;
  boxRows(
    input: number,
    output: number,
    rows: number,
    cols: number,
    window: number,
    lines: number,
    filtered: number,
  ): void;
  boxColumns(input: number, output: number, rows: number, cols: number, window: number, sums: number): void;
  gatherColumns(input: number, output: number, rows: number, cols: number, indices: number): void;
  dct64To16(input: number, output: number, scratch: number, matrix: number, transposed: number): void;
  lumaBytes(source: number, target: number, count: number): void;
  stepMask(source: number, target: number, count: number, step: number): void;
}

/** The fixed start of linear memory: the DCT matrix, its transpose and the DCT's buffers. */
const fixed = { matrix: 0, transposed: 4096, input64: 8192, dctScratch: 24576, dct: 28672, end: 29696 };

/** Linear memory kept by the shared instance at most (a 4000×3000 RGB photo needs ~135 MB). */
const retainBytes = 192 * 1024 * 1024;
/** wasm32's address space: larger images take the JS path. */
const maximumBytes = 2 ** 32 - 65536;
const pageBytes = 65536;
/** Bytes after each buffer that the 4-lane loops may read or write (`kernels.wat`'s contract). */
const slack = 16;

const compiled: object | undefined = (() => {
  if (wasm === undefined) return undefined;
  try {
    return new wasm.Module(Buffer.from(pdqKernelsBase64, 'base64'));
  } catch {
    return undefined; // no WebAssembly SIMD in this runtime: the JS kernels serve
  }
})();

let shared: KernelExports | undefined;

/** Which kernels `hashPixels` runs in this process: `wasm-simd`, or `js` when SIMD is missing. */
export const activePdqKernels: 'wasm-simd' | 'js' = compiled === undefined ? 'js' : 'wasm-simd';

function instantiate(): KernelExports | undefined {
  if (wasm === undefined || compiled === undefined) return undefined;
  const kernels = new wasm.Instance(compiled, {}).exports as KernelExports;
  new Float32Array(kernels.memory.buffer, fixed.matrix, 16 * 64).set(dctMatrix);
  const transposed = new Float32Array(kernels.memory.buffer, fixed.transposed, 64 * 16);
  for (let i = 0; i < 16; i++) {
    for (let k = 0; k < 64; k++) transposed[k * 16 + i] = dctMatrix[i * 64 + k] as number;
  }
  return kernels;
}

/** An instance whose memory holds `bytes`, or undefined if none can. */
function kernelsFor(bytes: number): KernelExports | undefined {
  if (bytes > maximumBytes) return undefined;
  let kernels: KernelExports | undefined;
  if (bytes > retainBytes) {
    kernels = instantiate();
  } else {
    shared ??= instantiate();
    kernels = shared;
  }
  if (kernels === undefined) return undefined;
  const have = kernels.memory.buffer.byteLength;
  if (have < bytes) {
    try {
      kernels.memory.grow(Math.ceil((bytes - have) / pageBytes));
    } catch {
      return undefined; // the engine refused the memory: the JS kernels serve
    }
  }
  return kernels;
}

/** Rounds up to a multiple of 16 (vector alignment for each buffer's start). */
function align(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}

/**
 * Counts loads of linear memory's per-call region (at `fixed.end`): a frame's luma kept there by
 * `loadFrameLumaWasm` is valid only while the count is the one it was loaded under.
 */
let generation = 0;

/** Where one box pass of a `rows`×`cols` luma starting at `luma` keeps its buffers. */
function boxLayout(luma: number, rows: number, cols: number) {
  const count = cols * rows;
  const scratch = align(luma + count * 4 + slack);
  const lines = align(scratch + count * 4 + slack);
  const filtered = align(lines + cols * 16 + slack);
  const sums = align(filtered + cols * 16 + slack);
  const indices = align(sums + Math.max(cols, 64) * 4 + slack);
  const gathered = align(indices + 64 * 4);
  const gatheredFiltered = align(gathered + rows * 64 * 4 + slack);
  const end = gatheredFiltered + rows * 64 * 4 + slack;
  return { luma, scratch, lines, filtered, sums, indices, gathered, gatheredFiltered, end };
}

/** Where each buffer of one `pdqDctWithWasm` call lives in linear memory: the pixels, then the passes'. */
function layout(pixels: PixelBuffer) {
  const { width: cols, height: rows, channels } = pixels;
  const source = fixed.end;
  return { source, ...boxLayout(align(source + cols * rows * channels + slack), rows, cols) };
}

/**
 * Blur, decimate and transform the `rows`×`cols` luma at `at.luma` (overwritten) into the 64×64
 * buffer and its DCT, as `blurAndDecimate` and `dct64To16` do.
 */
function dctOfLuma(
  kernels: KernelExports,
  at: ReturnType<typeof boxLayout>,
  rows: number,
  cols: number,
): { buffer64: Float32Array; dct: Float32Array } {
  const { memory } = kernels;
  const buffer64 = new Float32Array(memory.buffer, fixed.input64, 64 * 64);
  if (rows === 64 && cols === 64) {
    buffer64.set(new Float32Array(memory.buffer, at.luma, 64 * 64));
  } else {
    const windowAlongRows = jaroszWindowSize(cols);
    const windowAlongColumns = jaroszWindowSize(rows);
    kernels.boxRows(at.luma, at.scratch, rows, cols, windowAlongRows, at.lines, at.filtered);
    kernels.boxColumns(at.scratch, at.luma, rows, cols, windowAlongColumns, at.sums);
    kernels.boxRows(at.luma, at.scratch, rows, cols, windowAlongRows, at.lines, at.filtered);
    // Only the 64 sampled columns of the last vertical pass are read: gather, then filter those.
    new Int32Array(memory.buffer, at.indices, 64).set(samplePositions(cols));
    kernels.gatherColumns(at.scratch, at.gathered, rows, cols, at.indices);
    kernels.boxColumns(at.gathered, at.gatheredFiltered, rows, 64, windowAlongColumns, at.sums);
    const filtered = new Float32Array(memory.buffer, at.gatheredFiltered, rows * 64);
    const sampleRows = samplePositions(rows);
    for (let i = 0; i < 64; i++) {
      const from = (sampleRows[i] as number) * 64;
      buffer64.set(filtered.subarray(from, from + 64), i * 64);
    }
  }
  kernels.dct64To16(fixed.input64, fixed.dct, fixed.dctScratch, fixed.matrix, fixed.transposed);
  return { buffer64: buffer64.slice(), dct: new Float32Array(memory.buffer, fixed.dct, 16 * 16).slice() };
}

/**
 * Copies the pixels into the instance's memory at `at.source` and computes their luma at
 * `at.luma`; counts a new `generation`, since whatever luma was loaded before is overwritten.
 */
function writeLuma(kernels: KernelExports, pixels: PixelBuffer, at: { source: number; luma: number }): void {
  const count = pixels.width * pixels.height;
  generation += 1;
  new Uint8Array(kernels.memory.buffer, at.source, count * pixels.channels).set(
    pixels.data.subarray(0, count * pixels.channels),
  );
  if (pixels.channels === 3) kernels.lumaRgb(at.source, at.luma, count);
  else kernels.lumaGrey(at.source, at.luma, count);
}

/**
 * The blurred, decimated 64×64 luma of `pixels` (at least 5×5), row-major, as `blurAndDecimate`
 * after `lumaFromPixels` computes it (a 64×64 image's luma is used unfiltered, as the reference
 * does), and its 16×16 DCT as `dct64To16`. `undefined` when the WebAssembly kernels cannot run
 * here.
 */
export function pdqDctWithWasm(pixels: PixelBuffer): { buffer64: Float32Array; dct: Float32Array } | undefined {
  const { width: cols, height: rows, channels } = pixels;
  const count = cols * rows;
  // A short buffer would leave stale memory in place of pixels: let the JS kernels handle it as before.
  if (pixels.data.length < count * channels) return undefined;
  const at = layout(pixels);
  const kernels = kernelsFor(at.end);
  if (kernels === undefined) return undefined;
  writeLuma(kernels, pixels, at);
  return dctOfLuma(kernels, at, rows, cols);
}

/** A frame's luma held in the shared instance's memory by `loadFrameLumaWasm`. */
export interface WasmFrameLuma {
  readonly kernels: KernelExports;
  readonly width: number;
  readonly height: number;
  /** Where a view's passes keep their buffers (the place of the pixels the luma came from). */
  readonly viewBase: number;
  /** `generation` when it was loaded: another load since then overwrote it. */
  readonly generation: number;
}

/** Where a frame's luma lives (at `fixed.end`), and the RGB it is computed from (after it). */
function frameLayout(pixels: PixelBuffer) {
  const count = pixels.width * pixels.height;
  const source = align(fixed.end + count * 4 + slack);
  // A view's passes reuse the pixels' place (read once, for the luma): the largest view is the frame.
  const views = boxLayout(source, pixels.height, pixels.width).end;
  return { luma: fixed.end, source, end: Math.max(views, source + count * pixels.channels + slack) };
}

/**
 * Computes the luma of a whole frame once (as `lumaFromPixels`) into the shared instance's memory,
 * for `pdqDctOfBoxWasm` to hash any rectangle of it without copying or converting its pixels again.
 * `undefined` when the WebAssembly kernels cannot run here or the frame needs more memory than the
 * shared instance keeps: the caller uses the JS kernels.
 */
export function loadFrameLumaWasm(pixels: PixelBuffer): WasmFrameLuma | undefined {
  const { width, height, channels } = pixels;
  const count = width * height;
  if (pixels.data.length < count * channels) return undefined;
  const at = frameLayout(pixels);
  if (at.end > retainBytes) return undefined;
  const kernels = kernelsFor(at.end);
  if (kernels === undefined) return undefined;
  writeLuma(kernels, pixels, at);
  return { kernels, width, height, viewBase: at.source, generation };
}

/**
 * The 64×64 buffer and DCT of the rectangle `box` (inside the frame, at least 5×5) of a frame's
 * luma loaded by `loadFrameLumaWasm`: bit for bit what `pdqDctWithWasm` gives for the rectangle's
 * pixels cut out (luma is per pixel, so the rectangle of the frame's luma is the luma of the
 * cut-out pixels). `undefined` when the luma was overwritten since (another load): reload it.
 */
export function pdqDctOfBoxWasm(
  frame: WasmFrameLuma,
  box: { readonly x: number; readonly y: number; readonly width: number; readonly height: number },
): { buffer64: Float32Array; dct: Float32Array } | undefined {
  if (frame.generation !== generation) return undefined;
  const { kernels, width } = frame;
  const at = boxLayout(frame.viewBase, box.height, box.width);
  const floats = new Float32Array(kernels.memory.buffer);
  const target = at.luma / 4;
  if (box.x === 0 && box.width === width) {
    floats.copyWithin(target, fixed.end / 4 + box.y * width, fixed.end / 4 + (box.y + box.height) * width);
  } else {
    for (let row = 0; row < box.height; row++) {
      const from = fixed.end / 4 + (box.y + row) * width + box.x;
      floats.copyWithin(target + row * box.width, from, from + box.width);
    }
  }
  return dctOfLuma(kernels, at, box.height, box.width);
}

/**
 * The byte luma of `count` RGB pixels ((77·R + 150·G + 29·B) >> 8) and its step mask (1 where a
 * byte differs from the one two before it by at least `step`, from index 2), as `lumaSteps`
 * computes them in JS, written into `into` (at least `count` bytes each). Uses the region a frame's
 * luma (`loadFrameLumaWasm`) lives in, which must then be loaded again. `false` (nothing written)
 * when the WebAssembly kernels cannot run here.
 */
export function lumaStepsWithWasm(
  rgb: Uint8Array,
  count: number,
  step: number,
  into: { readonly luma: Uint8Array; readonly steps: Uint8Array },
): boolean {
  if (rgb.length < count * 3 || count < 2) return false;
  const source = fixed.end;
  const luma = align(source + count * 3 + slack);
  const steps = align(luma + count + slack);
  const end = steps + count + slack;
  if (end > retainBytes) return false;
  const kernels = kernelsFor(end);
  if (kernels === undefined) return false;
  generation += 1;
  new Uint8Array(kernels.memory.buffer, source, count * 3).set(rgb.subarray(0, count * 3));
  kernels.lumaBytes(source, luma, count);
  kernels.stepMask(luma, steps, count, step);
  into.luma.set(new Uint8Array(kernels.memory.buffer, luma, count));
  into.steps.set(new Uint8Array(kernels.memory.buffer, steps, count));
  return true;
}
