import { dct64To16, lumaFromPixels } from '../pdq/index.js';
import { pdqfDimension, tmkFrameSide } from './tmk-parameters.js';

/**
 * PDQF of one 64×64 RGB24 frame: its float32 luma (0.299 R + 0.587 G + 0.114 B) through PDQ's
 * 16×16 DCT, unthresholded, row-major (vertical frequency 1..16, then horizontal). A 64×64 frame is
 * PDQ's own downsampled buffer, so there is no blur (as upstream, which lets ffmpeg scale).
 * `output` is filled and returned; `scratch` holds 64×64 + 16×64 floats between calls.
 *
 * @throws Error when `rgb` is not 64 × 64 × 3 bytes (a caller's bug: frames are scaled by ffmpeg).
 */
export function pdqfFeature(
  rgb: Uint8Array,
  output: Float32Array = new Float32Array(pdqfDimension),
  scratch: PdqfScratch = pdqfScratch(),
): Float32Array {
  if (rgb.length !== tmkFrameSide * tmkFrameSide * 3) {
    throw new Error(`PDQF takes ${tmkFrameSide}×${tmkFrameSide} RGB frames; got ${rgb.length} bytes`);
  }
  lumaFromPixels({ width: tmkFrameSide, height: tmkFrameSide, channels: 3, data: rgb }, scratch.luma);
  dct64To16(scratch.luma, output, scratch.dct);
  return output;
}

/** Buffers `pdqfFeature` reuses across frames. */
export interface PdqfScratch {
  readonly luma: Float32Array;
  readonly dct: Float32Array;
}

export function pdqfScratch(): PdqfScratch {
  return { luma: new Float32Array(tmkFrameSide * tmkFrameSide), dct: new Float32Array(16 * 64) };
}
