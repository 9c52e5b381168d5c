import { readFrames, type VideoFrame } from '../../video/index.js';
import { hashPixels } from '../pdq/index.js';
import type { VpdqFeature } from './vpdq-feature.js';

/** How to sample a video for vPDQ. */
export interface HashVideoOptions {
  /**
   * Frames hashed per second (default 1, python-threatexchange's `seconds_per_hash = 1`);
   * ignored with `everyFrame`.
   */
  readonly fps?: number;
  /** Hash every decoded frame, as the C++ `vpdq-hash-video -r 0` and the sample hashes do. */
  readonly everyFrame?: boolean;
  /** Abort to stop hashing (ffmpeg is killed); the frames hashed so far are returned. */
  readonly signal?: AbortSignal;
  /** Extra ffmpeg input options (see `FrameReaderOptions.inputOptions`). */
  readonly inputOptions?: readonly string[];
  /** Refuse videos whose frames have more pixels than this (`IMAGE_TOO_MANY_PIXELS`). */
  readonly maxPixels?: number;
}

/**
 * The vPDQ feature of one decoded frame: PDQ of its RGB pixels at native size through the image
 * PDQ core (float32 luma `0.299R + 0.587G + 0.114B` as vpdq's `fillFloatLumaFromRGB`, no 512
 * pre-resize, the Jarosz filter at full resolution), so a frame hashes as vpdq hashes it.
 * Frames under 5 pixels a side get the zero hash with quality 0 (vpdq refuses them).
 */
export function hashFrame(frame: VideoFrame): VpdqFeature {
  const { hash, quality } = hashPixels({ width: frame.width, height: frame.height, channels: 3, data: frame.rgb });
  return { frameNumber: frame.index, quality, hash, timestamp: frame.timestamp };
}

/**
 * Hashes a video (a file path or a URL ffmpeg opens) into vPDQ features, in frame order: one per
 * sampled frame (1 per second by default, like python-threatexchange; every frame with
 * `everyFrame`, like the C++ tool). Frames are decoded by ffmpeg (see `readFrames`) and hashed
 * one at a time, so memory holds one frame whatever the video's length.
 *
 * @throws EngineError from `readFrames`: `VIDEO_DECODER_MISSING`, `VIDEO_UNREADABLE`, `IMAGE_TOO_MANY_PIXELS`.
 * @example
 * const features = await hashVideo('clip.mp4');
 * const signal = formatPytxVpdq(features); // what banks store
 */
export async function hashVideo(source: string, options: HashVideoOptions = {}): Promise<VpdqFeature[]> {
  const features: VpdqFeature[] = [];
  const readOptions = {
    ...(options.fps !== undefined ? { fps: options.fps } : {}),
    ...(options.everyFrame !== undefined ? { everyFrame: options.everyFrame } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    ...(options.inputOptions !== undefined ? { inputOptions: options.inputOptions } : {}),
    ...(options.maxPixels !== undefined ? { maxPixels: options.maxPixels } : {}),
  };
  for await (const frame of readFrames(source, readOptions)) features.push(hashFrame(frame));
  return features;
}
