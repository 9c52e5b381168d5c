import { dct64To16 } from './dct.js';
import { type DihedralName, dihedralDct, dihedralNames } from './dihedral.js';
import { blurAndDecimate } from './jarosz.js';
import { lumaFromPixels, type PixelBuffer } from './luma.js';
import { torbenMedian } from './median.js';
import { formatPdqBits, type PdqHash, zeroPdqHash } from './pdq-hash.js';
import { pdqQuality } from './quality.js';
import { pdqDctWithWasm } from './wasm-kernels.js';
import { borrowBuffers } from './workspace.js';

/** A PDQ hash with its quality (0..100; below 50 the hash should not be matched). */
export interface PdqResult {
  readonly hash: PdqHash;
  readonly quality: number;
}

/** All eight dihedral hashes of one image; they share one quality. */
export interface PdqDihedralResult {
  readonly quality: number;
  readonly hashes: Readonly<Record<DihedralName, PdqHash>>;
}

/** Images with a side shorter than this hash to all zeros with quality 0 (`MIN_HASHABLE_DIM`). */
export const minimumHashableDimension = 5;

/** Quality at or below which the reference recommends discarding a hash. */
export const pdqQualityThreshold = 50;

/**
 * The 64×64 blurred, decimated buffer of an image's luma: blur with the Jarosz filter and decimate
 * to 64×64 (a 64×64 input is used as is, as the reference does for pre-scaled video frames).
 * `luma` (rows × cols) is overwritten.
 */
function downsampleLuma(luma: Float32Array, rows: number, cols: number, scratch: Float32Array): Float32Array {
  const buffer64 = new Float32Array(64 * 64);
  if (rows === 64 && cols === 64) {
    buffer64.set(luma.subarray(0, 64 * 64));
  } else {
    blurAndDecimate(luma, scratch, rows, cols, buffer64);
  }
  return buffer64;
}

/** The quality of a 64×64 buffer and the 16×16 float DCT the hash bits come from. */
function dctFromBuffer64(buffer64: Float32Array): { dct: Float32Array; quality: number } {
  const quality = pdqQuality(buffer64);
  const dct = new Float32Array(16 * 16);
  dct64To16(buffer64, dct, new Float32Array(16 * 64));
  return { dct, quality };
}

/** Median-threshold a 16×16 DCT into its 256 hash bits, then format them. */
function hashFromDct(dct: Float32Array): PdqHash {
  const median = torbenMedian(dct);
  const bits = new Uint8Array(256);
  for (let k = 0; k < 256; k++) bits[k] = (dct[k] as number) > median ? 1 : 0;
  return formatPdqBits(bits);
}

/** True for an image PDQ does not hash (a side under `minimumHashableDimension`). */
export function isTooSmall(rows: number, cols: number): boolean {
  return rows < minimumHashableDimension || cols < minimumHashableDimension;
}

/**
 * PDQ hash of a float32 luma buffer (rows × cols, row-major), bit-exact with
 * `pdqHash256FromFloatLuma` of Meta's C++ reference. The buffer is used as scratch space.
 */
export function pdqFromLuma(
  luma: Float32Array,
  rows: number,
  cols: number,
  scratch: Float32Array = new Float32Array(rows * cols),
): PdqResult {
  if (isTooSmall(rows, cols)) return { hash: zeroPdqHash, quality: 0 };
  return hashFromBuffer64(downsampleLuma(luma, rows, cols, scratch));
}

function hashFromBuffer64(buffer64: Float32Array): PdqResult {
  return hashFromDctAndQuality(dctFromBuffer64(buffer64));
}

/** The hash of a DCT and its buffer's quality (shared with `frame-luma.ts`). */
export function hashFromDctAndQuality({ dct, quality }: { dct: Float32Array; quality: number }): PdqResult {
  return { hash: hashFromDct(dct), quality };
}

/** The eight dihedral hashes of a luma buffer from one DCT (`pdqDihedralHash256esFromFloatLuma`). */
export function pdqDihedralFromLuma(
  luma: Float32Array,
  rows: number,
  cols: number,
  scratch: Float32Array = new Float32Array(rows * cols),
): PdqDihedralResult {
  if (isTooSmall(rows, cols)) return zeroDihedral();
  return dihedralFromBuffer64(downsampleLuma(luma, rows, cols, scratch));
}

/** The eight dihedral hashes of an image too small to hash: all zero, quality 0. */
export function zeroDihedral(): PdqDihedralResult {
  const hashes = {} as Record<DihedralName, PdqHash>;
  for (const name of dihedralNames) hashes[name] = zeroPdqHash;
  return { quality: 0, hashes };
}

function dihedralFromBuffer64(buffer64: Float32Array): PdqDihedralResult {
  return dihedralFromDctAndQuality(dctFromBuffer64(buffer64));
}

/** The eight dihedral hashes of a DCT and its buffer's quality (shared with `frame-luma.ts`). */
export function dihedralFromDctAndQuality({ dct, quality }: { dct: Float32Array; quality: number }): PdqDihedralResult {
  const hashes = {} as Record<DihedralName, PdqHash>;
  const variant = new Float32Array(16 * 16);
  for (const name of dihedralNames) {
    dihedralDct(name, dct, variant);
    hashes[name] = hashFromDct(variant);
  }
  return { quality, hashes };
}

/**
 * PDQ hash of decoded pixels at full resolution (no pre-resize), as HMA,
 * python-threatexchange and the reference core compute it. The full-resolution work (luma, blur,
 * decimation, DCT) runs in the WebAssembly SIMD kernels (`wasm-kernels.ts`) when this runtime has
 * them, else in the plain-JS kernels; both are bit-identical to the reference.
 *
 * @example
 * const { hash, quality } = hashPixels({ width, height, channels: 3, data });
 */
export function hashPixels(pixels: PixelBuffer): PdqResult {
  if (isTooSmall(pixels.height, pixels.width)) return { hash: zeroPdqHash, quality: 0 };
  const computed = pdqDctWithWasm(pixels);
  if (computed === undefined) return hashPixelsJs(pixels);
  return hashFromDctAndQuality({ dct: computed.dct, quality: pdqQuality(computed.buffer64) });
}

/** `hashPixels` on the plain-JS kernels only: the fallback, and the benchmark's baseline. */
export function hashPixelsJs(pixels: PixelBuffer): PdqResult {
  const { luma, scratch } = borrowBuffers(pixels.width * pixels.height);
  return pdqFromLuma(lumaFromPixels(pixels, luma), pixels.height, pixels.width, scratch);
}

/** The eight dihedral PDQ hashes of decoded pixels (WebAssembly kernels when available). */
export function hashPixelsDihedral(pixels: PixelBuffer): PdqDihedralResult {
  if (isTooSmall(pixels.height, pixels.width)) return zeroDihedral();
  const computed = pdqDctWithWasm(pixels);
  if (computed === undefined) return hashPixelsDihedralJs(pixels);
  return dihedralFromDctAndQuality({ dct: computed.dct, quality: pdqQuality(computed.buffer64) });
}

/** `hashPixelsDihedral` on the plain-JS kernels only. */
export function hashPixelsDihedralJs(pixels: PixelBuffer): PdqDihedralResult {
  const { luma, scratch } = borrowBuffers(pixels.width * pixels.height);
  return pdqDihedralFromLuma(lumaFromPixels(pixels, luma), pixels.height, pixels.width, scratch);
}
