import type { FrameBox } from './frame-borders.js';
import {
  dihedralFromDctAndQuality,
  hashFromDctAndQuality,
  isTooSmall,
  type PdqDihedralResult,
  type PdqResult,
  pdqDihedralFromLuma,
  pdqFromLuma,
  zeroDihedral,
} from './hasher.js';
import { lumaFromPixels, type PixelBuffer } from './luma.js';
import { zeroPdqHash } from './pdq-hash.js';
import { pdqQuality } from './quality.js';
import { loadFrameLumaWasm, pdqDctOfBoxWasm, type WasmFrameLuma } from './wasm-kernels.js';
import { borrowBuffers } from './workspace.js';

/**
 * One image hashed as several rectangles (a stream frame's views: the whole frame, the picture
 * inside its borders, inner and zoomed views, a moving region, an inset): its luma is computed
 * once, and each rectangle is blurred, decimated and transformed from its part of that luma.
 * Luma is per pixel, so a rectangle of the image's luma is exactly the luma of the rectangle's
 * pixels cut out: every hash is bit for bit `hashPixels` (or `hashPixelsDihedral`) of the
 * rectangle's pixels copied out (`cropRgb`), without the copy, nor the pixels' conversion once per
 * rectangle. The WebAssembly kernels serve when this runtime has them (the luma stays in their
 * memory), else the JS kernels (the luma in a buffer of this object).
 *
 * The pixels must not change while the object is used (it may read them again if another hash in
 * between overwrote the kernels' memory). Not thread-safe across workers: each thread has its own.
 *
 * @example
 * const luma = new LumaFrame({ width, height, channels: 3, data: rgb });
 * const whole = luma.hash({ x: 0, y: 0, width, height });
 * const inner = luma.hashDihedral(centreBox(width, height, 0.6));
 */
export class LumaFrame {
  readonly #pixels: PixelBuffer;
  #wasm: WasmFrameLuma | undefined;
  #js: Float32Array | undefined;

  constructor(pixels: PixelBuffer) {
    this.#pixels = pixels;
    this.#wasm = loadFrameLumaWasm(pixels);
    if (this.#wasm === undefined) this.#js = lumaFromPixels(pixels);
  }

  /** PDQ of the rectangle `box` (inside the image), as `hashPixels` of its pixels. */
  hash(box: FrameBox): PdqResult {
    if (isTooSmall(this.#check(box).height, box.width)) return { hash: zeroPdqHash, quality: 0 };
    const computed = this.#wasmDct(box);
    if (computed !== undefined)
      return hashFromDctAndQuality({ dct: computed.dct, quality: pdqQuality(computed.buffer64) });
    const { luma, scratch } = this.#jsLuma(box);
    return pdqFromLuma(luma, box.height, box.width, scratch);
  }

  /** The eight dihedral PDQ hashes of the rectangle `box`, as `hashPixelsDihedral` of its pixels. */
  hashDihedral(box: FrameBox): PdqDihedralResult {
    if (isTooSmall(this.#check(box).height, box.width)) return zeroDihedral();
    const computed = this.#wasmDct(box);
    if (computed !== undefined)
      return dihedralFromDctAndQuality({ dct: computed.dct, quality: pdqQuality(computed.buffer64) });
    const { luma, scratch } = this.#jsLuma(box);
    return pdqDihedralFromLuma(luma, box.height, box.width, scratch);
  }

  #check(box: FrameBox): FrameBox {
    const { width, height } = this.#pixels;
    const whole = [box.x, box.y, box.width, box.height].every(Number.isInteger);
    if (!whole || box.x < 0 || box.y < 0 || box.x + box.width > width || box.y + box.height > height)
      throw new RangeError(`box ${JSON.stringify(box)} is not inside the ${width}×${height} image`);
    return box;
  }

  /** The rectangle's buffer and DCT from the WebAssembly kernels' copy of the luma, reloaded if another hash overwrote it. */
  #wasmDct(box: FrameBox): { buffer64: Float32Array; dct: Float32Array } | undefined {
    if (this.#wasm === undefined) return undefined;
    const computed = pdqDctOfBoxWasm(this.#wasm, box);
    if (computed !== undefined) return computed;
    this.#wasm = loadFrameLumaWasm(this.#pixels);
    if (this.#wasm === undefined) return undefined;
    return pdqDctOfBoxWasm(this.#wasm, box);
  }

  /** The rectangle's luma copied out of the JS luma (computed now if the kernels stopped serving). */
  #jsLuma(box: FrameBox): { luma: Float32Array; scratch: Float32Array } {
    this.#js ??= lumaFromPixels(this.#pixels);
    const source = this.#js;
    const { width } = this.#pixels;
    const { luma, scratch } = borrowBuffers(box.width * box.height);
    for (let row = 0; row < box.height; row++) {
      const from = (box.y + row) * width + box.x;
      luma.set(source.subarray(from, from + box.width), row * box.width);
    }
    return { luma, scratch };
  }
}
