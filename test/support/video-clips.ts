import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ffmpegPath } from '../../src/video/index.js';

/**
 * Why a test that writes clips cannot run here, or `false`: the one check of stream-clip.ts (a
 * skip with its reason; under `CI=true` a missing ffmpeg fails instead).
 */
export { ffmpegSkipReason } from './stream-clip.js';

const run = promisify(execFile);

/**
 * ffmpeg's input arguments for one of its own generators (lavfi), such as
 * `testsrc2=size=320x240:rate=25:duration=6` or `mandelbrot=size=320x240:rate=25`: benign made-up
 * pictures, so no video fixture is kept in the repository.
 */
export function lavfi(source: string): string[] {
  return ['-f', 'lavfi', '-i', source];
}

/** Output arguments for H.264 in yuv420p without sound (what most real uploads are). */
export const h264 = ['-an', '-c:v', 'libx264', '-pix_fmt', 'yuv420p'];

/**
 * ffmpeg arguments for the TMK tests' clip: six seconds of the moving test pattern (320×240,
 * 25 fps) through `filter` (`null` for the original, `setpts=PTS/1.1` for a 1.1× sped-up copy),
 * as H.264.
 */
export function testPattern(filter: string): string[] {
  return [...lavfi('testsrc2=size=320x240:rate=25:duration=6'), '-vf', filter, ...h264];
}

/** Output arguments for MPEG-4 Part 2 at quantiser `quality` (2 is near lossless): fast to encode. */
export function mpeg4(quality: number): string[] {
  return ['-c:v', 'mpeg4', '-q:v', String(quality)];
}

/** Generated clips in a temporary directory of their own; the test calls `remove` in its `after`. */
export interface VideoClips {
  /** The temporary directory; a test may keep its other files (a data directory) there too. */
  readonly directory: string;
  /**
   * Runs `ffmpeg -nostdin -loglevel error -y ARGS PATH` (ARGS: inputs, filters and output options;
   * see `lavfi`, `h264`, `mpeg4`), PATH being `name` in the directory, and returns PATH. Rejects
   * with ffmpeg's error text.
   */
  write(name: string, args: readonly string[]): Promise<string>;
  /** `write`, then the clip's bytes. */
  bytes(name: string, args: readonly string[]): Promise<Uint8Array>;
  /** Deletes the directory and all in it (close what has files open there first). */
  remove(): Promise<void>;
}

/**
 * Makes a temporary directory `prevail-PREFIX-…` for generated clips. Check `ffmpegSkipReason`
 * first (as the test's `skip`): writing a clip needs ffmpeg.
 *
 * @example
 * const clips = await openVideoClips('corner-views');
 * const path = await clips.write('clip.mp4', [...lavfi('testsrc2=size=320x180:rate=30'), '-t', '2', ...mpeg4(2)]);
 */
export async function openVideoClips(prefix: string): Promise<VideoClips> {
  const directory = await mkdtemp(join(tmpdir(), `prevail-${prefix}-`));
  const write = async (name: string, args: readonly string[]) => {
    const path = join(directory, name);
    await run(ffmpegPath(), ['-nostdin', '-loglevel', 'error', '-y', ...args, path]);
    return path;
  };
  return {
    directory,
    write,
    bytes: async (name, args) => readFile(await write(name, args)),
    remove: () => rm(directory, { recursive: true, force: true }),
  };
}
