import { lumaStepsWithWasm } from './wasm-kernels.js';

/** A frame's byte luma and its step mask (see `lumaSteps`). */
export interface LumaSteps {
  readonly luma: Uint8Array;
  readonly steps: Uint8Array;
}

/** Frames up to this many pixels keep their buffers between calls (4K: 8.3 million). */
const retainPixels = 3840 * 2160;

let kept: LumaSteps = { luma: new Uint8Array(0), steps: new Uint8Array(0) };

/**
 * A cheap integer luma of RGB pixels and where it steps along rows, for searches over a frame
 * (the stream views' inset search) that need edges, not PDQ's float luma: `luma[i]` = (77·R +
 * 150·G + 29·B) >> 8, and `steps[i]` = 1 when |luma[i] − luma[i − 2]| ≥ `step` (i ≥ 2; the pixel
 * two before in the buffer, so in a row-major frame the first two of each row compare with the
 * row above's end: callers skip them). The WebAssembly SIMD kernels compute both when this
 * runtime has them, the same integers as the JS loop (`lumaStepsJs`).
 *
 * The arrays are reused by the next call (per thread; frames up to 4K): read them before calling
 * again. Reusing them spares two fresh megabyte-sized allocations a frame, which cost more than
 * the arithmetic.
 *
 * @example
 * const { luma, steps } = lumaSteps(frame.rgb, frame.width * frame.height, 16);
 */
export function lumaSteps(rgb: Uint8Array, count: number, step: number): LumaSteps {
  let into = kept;
  if (count > retainPixels) into = { luma: new Uint8Array(count), steps: new Uint8Array(count) };
  else if (kept.luma.length < count) into = kept = { luma: new Uint8Array(count), steps: new Uint8Array(count) };
  const out = { luma: into.luma.subarray(0, count), steps: into.steps.subarray(0, count) };
  if (lumaStepsWithWasm(rgb, count, step, out)) return out;
  return lumaStepsJs(rgb, count, step, out);
}

/** `lumaSteps` in plain JS (into fresh arrays unless `into` is given): the fallback, and what the kernels are tested against. */
export function lumaStepsJs(
  rgb: Uint8Array,
  count: number,
  step: number,
  into: LumaSteps = { luma: new Uint8Array(count), steps: new Uint8Array(count) },
): LumaSteps {
  const { luma, steps } = into;
  for (let pixel = 0, offset = 0; pixel < count; pixel++, offset += 3)
    luma[pixel] =
      (77 * (rgb[offset] as number) + 150 * (rgb[offset + 1] as number) + 29 * (rgb[offset + 2] as number)) >> 8;
  steps[0] = 0;
  steps[1] = 0;
  for (let i = 2; i < count; i++) steps[i] = Math.abs((luma[i] as number) - (luma[i - 2] as number)) >= step ? 1 : 0;
  return into;
}
