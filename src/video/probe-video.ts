import { spawn } from 'node:child_process';
import { EngineError } from '../core/index.js';
import { FfmpegLog } from './ffmpeg-log.js';
import { ffmpegPath } from './ffmpeg-path.js';
import { unreadable } from './frame-reader.js';

/** What `probeVideo` reads about a video before decoding it. */
export interface VideoProbe {
  /** Stored frame size (no rotation applied, as `readFrames` yields it). */
  readonly width: number;
  readonly height: number;
  /** Frames per second of the stream; 0 when ffmpeg could not tell. */
  readonly fps: number;
  /** `null` when the source has no known duration (live streams). */
  readonly durationSeconds: number | null;
}

/**
 * Describes the first video stream of `source` without decoding it: runs `ffmpeg -i SOURCE` with no
 * output (ffmpeg then prints the input description and stops) and reads that description. Needs no
 * `ffprobe`. For live URLs this connects once; `readFrames` does not need it (it reads the size from
 * its own ffmpeg), so call it only when the numbers are wanted up front.
 *
 * @throws EngineError `VIDEO_DECODER_MISSING`, or `VIDEO_UNREADABLE` when ffmpeg cannot open the
 *   source or it has no video stream.
 * @example
 * const { width, height, durationSeconds } = await probeVideo('clip.mp4');
 */
export async function probeVideo(source: string): Promise<VideoProbe> {
  const executable = ffmpegPath();
  const log = new FfmpegLog();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(executable, ['-nostdin', '-hide_banner', '-noautorotate', '-i', source], {
      stdio: ['ignore', 'ignore', 'pipe'],
      windowsHide: true,
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => log.append(text));
    child.once('error', (error) => {
      if (child.pid !== undefined) return;
      reject(
        new EngineError('VIDEO_DECODER_MISSING', `ffmpeg could not be started from ${executable}`, { cause: error }),
      );
    });
    child.once('close', () => {
      log.end();
      resolve();
    });
  });
  const stream = log.input;
  if (stream === undefined) throw unreadable(source, log, 'ffmpeg found no video stream');
  return {
    width: stream.width,
    height: stream.height,
    fps: stream.fps,
    durationSeconds: log.durationSeconds ?? null,
  };
}
