import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VideoFormat } from '../content/index.js';
import { type FramePixels, hashFrames, type VideoFrameReading, type VpdqFeature } from '../signals/index.js';
import { readFrames, videoDemuxers } from '../video/index.js';

/** How videos are sampled and bounded when hashed. */
export interface VideoHashOptions {
  /** Frames hashed per second (default 1, as python-threatexchange); ignored with `everyFrame`. */
  readonly fps?: number;
  /** Hash every decoded frame, as the C++ `vpdq-hash-video` does. */
  readonly everyFrame?: boolean;
  /** Refuse videos whose frames have more pixels than this (`IMAGE_TOO_MANY_PIXELS`). */
  readonly maxPixels?: number;
  /** Read frames as a signal asks (`SignalType.videoReading`: scaled, resampled); `fps` is then ignored. */
  readonly reading?: VideoFrameReading;
}

/**
 * Lends the decoded frames of a video held in memory to `use`, for signals that hash videos (a
 * descriptor's `hash` is given them; signals never start ffmpeg). ffmpeg needs a seekable file
 * (an MP4's index is often at its end), so the bytes are written to a private temporary file
 * (mode 0600, in a fresh directory) that is deleted as soon as `use` settles, success or not:
 * media are never kept.
 *
 * ffmpeg is told the demuxer of the sniffed `format` and may open local files only
 * (`-protocol_whitelist file`), so uploaded bytes cannot make it read other files or URLs.
 *
 * @throws EngineError from reading frames: `VIDEO_UNREADABLE`, `VIDEO_DECODER_MISSING`,
 *   `IMAGE_TOO_MANY_PIXELS`; and whatever `use` throws.
 */
export async function withVideoFrames<T>(
  bytes: Uint8Array,
  format: VideoFormat,
  options: VideoHashOptions,
  use: (frames: AsyncIterable<FramePixels>) => Promise<T>,
): Promise<T> {
  const directory = await mkdtemp(join(tmpdir(), 'prevail-video-'));
  try {
    const path = join(directory, `input.${format}`);
    await writeFile(path, bytes, { mode: 0o600 });
    const frames = readFrames(path, {
      ...(options.fps !== undefined ? { fps: options.fps } : {}),
      ...(options.everyFrame !== undefined ? { everyFrame: options.everyFrame } : {}),
      ...(options.maxPixels !== undefined ? { maxPixels: options.maxPixels } : {}),
      ...(options.reading ?? {}),
      inputOptions: ['-protocol_whitelist', 'file', '-f', videoDemuxers[format]],
    });
    return await use(frames);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/**
 * vPDQ features of a video held in memory (see `withVideoFrames`).
 *
 * @throws EngineError `VIDEO_UNREADABLE`, `VIDEO_DECODER_MISSING`, `IMAGE_TOO_MANY_PIXELS`.
 */
export function hashVideoBytes(
  bytes: Uint8Array,
  format: VideoFormat,
  options: VideoHashOptions = {},
): Promise<VpdqFeature[]> {
  return withVideoFrames(bytes, format, options, hashFrames);
}
