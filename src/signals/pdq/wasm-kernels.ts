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

/** Where each buffer of one call lives in linear memory. */
function layout(pixels: PixelBuffer) {
  const { width: cols, height: rows, channels } = pixels;
  const count = cols * rows;
  const source = fixed.end;
  const luma = align(source + count * channels + slack);
  const scratch = align(luma + count * 4 + slack);
  const lines = align(scratch + count * 4 + slack);
  const filtered = align(lines + cols * 16 + slack);
  const sums = align(filtered + cols * 16 + slack);
  const indices = align(sums + Math.max(cols, 64) * 4 + slack);
  const gathered = align(indices + 64 * 4);
  const gatheredFiltered = align(gathered + rows * 64 * 4 + slack);
  const end = gatheredFiltered + rows * 64 * 4 + slack;
  return { source, luma, scratch, lines, filtered, sums, indices, gathered, gatheredFiltered, end };
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
  const { memory } = kernels;
  new Uint8Array(memory.buffer, at.source, count * channels).set(pixels.data.subarray(0, count * channels));
  if (channels === 3) kernels.lumaRgb(at.source, at.luma, count);
  else kernels.lumaGrey(at.source, at.luma, count);
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
