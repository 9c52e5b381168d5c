import type { FramePixels } from '../signal-type.js';
import { pdqfFeature, pdqfScratch } from './pdqf.js';
import { TmkAccumulator, type TmkFeatures } from './tmk-features.js';
import { pdqfDimension, tmkFrameSide, tmkFramesPerSecond } from './tmk-parameters.js';

/**
 * How a video's frames must be read for TMK+PDQF (options of `video/`'s `readFrames`): as
 * upstream's `tmk-hash-video` runs ffmpeg, `-s 64x64 -r 15` (output-side scale and constant-rate
 * resampling) with the file's rotation applied.
 */
export const tmkFrameReading = {
  scale: { width: tmkFrameSide, height: tmkFrameSide },
  outputRate: tmkFramesPerSecond,
  autorotate: true,
} as const;

/**
 * TMK+PDQF feature vectors of a video from its frames read as `tmkFrameReading` says (64×64
 * RGB24 at 15 fps, in order). A video with no frame gives zero vectors (frame count 0).
 *
 * @throws Error when a frame is not 64×64.
 * @example
 * const features = await tmkFromFrames(readFrames('clip.mp4', tmkFrameReading));
 */
export async function tmkFromFrames(frames: AsyncIterable<FramePixels>): Promise<TmkFeatures> {
  const accumulator = new TmkAccumulator();
  const feature = new Float32Array(pdqfDimension);
  const scratch = pdqfScratch();
  for await (const frame of frames) accumulator.add(pdqfFeature(frame.rgb, feature, scratch));
  return accumulator.finish(tmkFramesPerSecond, 'PDQF');
}
