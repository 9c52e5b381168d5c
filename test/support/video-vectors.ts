import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ffmpegPath } from '../../src/video/index.js';
import { vectorsRoot } from './vectors.js';

/** The benign vPDQ sample videos of the shared vectors. */
export const videoVectors = join(vectorsRoot, 'vpdq', 'videos');

/** A sample video by name, e.g. `doorknob-hd-no-bar.mp4`. */
export function videoVector(name: string): string {
  return join(videoVectors, name);
}

/**
 * Why tests on the sample videos skip here, or false: they need the shared vectors and an ffmpeg
 * (`PREVAIL_FFMPEG`, or the system's: `/usr/bin/ffmpeg` or `ffmpeg` on `PATH`).
 */
export function videoTestsSkipReason(): string | false {
  if (!existsSync(videoVector('doorknob-hd-no-bar.mp4'))) return `the vPDQ test videos are not at ${videoVectors}`;
  try {
    ffmpegPath();
  } catch {
    return 'no ffmpeg on this machine (install ffmpeg or set PREVAIL_FFMPEG)';
  }
  return false;
}
