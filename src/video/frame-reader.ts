import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { EngineError } from '../core/index.js';
import { supportsFpsMode } from './ffmpeg-features.js';
import { FfmpegLog } from './ffmpeg-log.js';
import { ffmpegPath } from './ffmpeg-path.js';

/** One decoded frame, as RGB24 at the source's native size. */
export interface VideoFrame {
  /** 0 for the first frame read, then +1 per frame (per sampled frame with `fps`). */
  readonly index: number;
  /** seconds from the start of the source */
  readonly timestamp: number;
  readonly width: number;
  readonly height: number;
  /** RGB24, width*height*3 bytes; the buffer may be reused after the next frame is requested — copy to keep */
  readonly rgb: Uint8Array;
}

/** How to read frames. Every field is optional. */
export interface FrameReaderOptions {
  /** sample this many frames per second (default 1); ignored with everyFrame */
  fps?: number;
  /** Every decoded frame, with no resampling (vpdq's `-r 0`); timestamps are `index / source fps`. */
  everyFrame?: boolean;
  /** abort to stop reading (kills ffmpeg); the iteration then ends without an error */
  signal?: AbortSignal;
  /** for live sources: extra ffmpeg input options, e.g. ['-rw_timeout','5000000'] */
  inputOptions?: readonly string[];
  /** Seconds of no output after which the reader fails with VIDEO_STALLED (live sources) */
  stallTimeoutSeconds?: number;
  /** read a file at its native frame rate (-re), for tests that simulate live */
  realtime?: boolean;
  /**
   * Live sources: pass a frame on as soon as it is decoded, choosing the first frame of each
   * 1/fps slot of presentation time (`select`), instead of ffmpeg's `fps` filter, which holds each
   * frame until the next one shows where the output tick falls (about one frame interval plus a
   * keyframe's worth of latency). Timestamps are then the frames' presentation timestamps (read
   * from ffmpeg's `showinfo`), not k/fps. Ignored with `everyFrame`.
   */
  lowLatency?: boolean;
  /**
   * Refuse sources whose frames have more pixels than this (IMAGE_TOO_MANY_PIXELS), checked from
   * ffmpeg's stream description before any frame buffer is allocated. Default: no limit.
   */
  maxPixels?: number;
  /**
   * Send every HTTP(S) request ffmpeg makes (the source, redirects, HLS playlists, segments and
   * keys) through this proxy (`http://127.0.0.1:PORT/`): given both as `-http_proxy` and as the
   * `http_proxy` environment variable (which nested opens read too), with `no_proxy` removed, so
   * that no request goes around it. The proxy is where each hop is checked (`startEgressProxy`).
   */
  httpProxy?: string;
  /**
   * Scale every frame to this size with ffmpeg's output option `-s W×H` (its default bicubic
   * scaler), as ThreatExchange's TMK hasher asks ffmpeg for 64×64 frames. Default: native size.
   */
  scale?: { readonly width: number; readonly height: number };
  /**
   * Resample with ffmpeg's output option `-r N` (constant-rate output: frames duplicated or
   * dropped at the muxer) instead of the `fps` filter, as the TMK hasher does; frame k then has
   * timestamp k/N. Overrides `fps`; ignored with `everyFrame` or `lowLatency`.
   */
  outputRate?: number;
  /** Let ffmpeg apply the rotation in the file's metadata (as the TMK hasher does); default false (`-noautorotate`, as vpdq). */
  autorotate?: boolean;
}

/** The default sampling rate: one frame per second, as python-threatexchange hashes video. */
export const defaultFramesPerSecond = 1;

type FfmpegProcess = ChildProcessByStdio<null, Readable, Readable>;

/**
 * Decodes the first video stream of `source` (a file path or any URL ffmpeg opens) with ffmpeg
 * and yields its frames as RGB24 at native size: no scaling, no automatic rotation (`-noautorotate`,
 * so frames are the stored pixels, as vpdq hashes them).
 *
 * Sampling: with `fps: N` (default 1) ffmpeg's `fps` filter picks the frame nearest each instant
 * `k/N` and frame `k` has timestamp `k/N`. With `lowLatency` (streams) the first frame of each
 * 1/N-second slot of presentation time is passed on at once, N per second of video whatever the
 * source's rate, with its presentation timestamp. With `everyFrame` every decoded frame is passed
 * through unchanged and frame `k` has timestamp `k / source fps`, as vpdq computes it (banked vPDQ
 * signals keep vpdq's timestamps).
 *
 * The frame size is read from ffmpeg's own stderr description of its output stream, so it works
 * for live URLs whose size is known only after connecting. Stdout is cut into exact frame-size
 * pieces; a piece that lies whole inside one pipe chunk is yielded as a view of that chunk,
 * otherwise it is assembled in one reused buffer (one copy per chunk, never per byte). Reading is
 * pulled: ffmpeg is paused by the pipe while the consumer works on a frame.
 *
 * Invariant: ffmpeg never outlives the iteration. Returning early (`break`), throwing, aborting or
 * a stall kills it (SIGKILL) and waits for it to be reaped before the generator finishes.
 *
 * @throws EngineError `VIDEO_DECODER_MISSING` (no ffmpeg), `VIDEO_UNREADABLE` (ffmpeg failed; the
 *   message ends with its last error line), `VIDEO_STALLED` (no output for `stallTimeoutSeconds`),
 *   `IMAGE_TOO_MANY_PIXELS` (frames over `maxPixels`), `CONFIG_INVALID` (a bad option).
 * @example
 * for await (const frame of readFrames('clip.mp4', { fps: 1 })) features.push(hashFrame(frame));
 */
export async function* readFrames(source: string, options: FrameReaderOptions = {}): AsyncGenerator<VideoFrame> {
  const fps = validatedFps(options);
  const executable = ffmpegPath();
  const useFpsMode = options.everyFrame === true ? await supportsFpsMode(executable) : false;
  const { signal } = options;
  if (isAborted(signal)) return;

  const child = startFfmpeg(executable, ffmpegArguments(source, options, fps, useFpsMode), options.httpProxy);
  const log = new FfmpegLog();
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => log.append(text));
  child.stderr.on('end', () => log.end());
  const exit = waitForExit(child);
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  signal?.addEventListener('abort', kill, { once: true });
  const chunks = child.stdout[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const stallMilliseconds = stallTimeout(options);
  const presentationTimes = sampledBySlot(options);
  /** A frame's timestamp: its presentation time when streams are sampled, else `index / rate` (vpdq). */
  const frameTime = async (index: number, framesPerSecond: number): Promise<number> => {
    const rated = framesPerSecond > 0 ? index / framesPerSecond : 0;
    if (!presentationTimes) return rated;
    const shown = await log.nextPresentationTime();
    return shown !== undefined && Number.isFinite(shown) ? shown : rated;
  };

  try {
    let frameSize = 0;
    let width = 0;
    let height = 0;
    let framesPerSecond = fps;
    let assembly: Buffer | undefined;
    let filled = 0;
    let index = 0;
    for (;;) {
      const next = await nextChunk(chunks, stallMilliseconds, kill);
      if (next === 'stalled') {
        throw new EngineError(
          'VIDEO_STALLED',
          `${describe(source)}: no frame for ${options.stallTimeoutSeconds} s; ffmpeg was stopped`,
        );
      }
      if (next.done === true) break;
      const chunk = next.value;
      if (frameSize === 0) {
        await Promise.race([log.whenOutputKnown(), exit]);
        const output = log.output;
        if (output === undefined || output.width <= 0 || output.height <= 0) {
          throw unreadable(source, log, 'ffmpeg did not describe its output frame size');
        }
        ({ width, height } = output);
        if (options.maxPixels !== undefined && width * height > options.maxPixels) {
          throw new EngineError(
            'IMAGE_TOO_MANY_PIXELS',
            `${describe(source)}: frames of ${width}×${height} have more than ${options.maxPixels} pixels`,
          );
        }
        frameSize = width * height * 3;
        if (options.everyFrame === true) {
          framesPerSecond = log.input?.fps || output.fps;
        }
      }
      let offset = 0;
      while (offset < chunk.length) {
        if (filled === 0 && chunk.length - offset >= frameSize) {
          const timestamp = await frameTime(index, framesPerSecond);
          yield { index, timestamp, width, height, rgb: chunk.subarray(offset, offset + frameSize) };
          if (isAborted(signal)) return;
          index += 1;
          offset += frameSize;
          continue;
        }
        assembly ??= Buffer.allocUnsafe(frameSize);
        const take = Math.min(frameSize - filled, chunk.length - offset);
        assembly.set(chunk.subarray(offset, offset + take), filled);
        filled += take;
        offset += take;
        if (filled === frameSize) {
          const timestamp = await frameTime(index, framesPerSecond);
          yield { index, timestamp, width, height, rgb: assembly };
          if (isAborted(signal)) return;
          index += 1;
          filled = 0;
        }
      }
    }
    const ended = await exit;
    if (isAborted(signal)) return;
    if (ended.error !== undefined) throw spawnFailure(executable, ended.error);
    if (ended.code !== 0) throw unreadable(source, log, `ffmpeg exited with status ${ended.code ?? ended.signal}`);
    if (filled !== 0) throw unreadable(source, log, 'the output ended inside a frame');
  } finally {
    signal?.removeEventListener('abort', kill);
    kill();
    child.stdout.destroy();
    await exit;
  }
}

function validatedFps(options: FrameReaderOptions): number {
  const { scale } = options;
  if (scale !== undefined && !(isSide(scale.width) && isSide(scale.height))) {
    throw new EngineError(
      'CONFIG_INVALID',
      `a frame scale is two whole numbers 1..16384, got ${scale.width}×${scale.height}`,
    );
  }
  if (options.everyFrame === true) return defaultFramesPerSecond;
  const fps = (options.lowLatency === true ? undefined : options.outputRate) ?? options.fps ?? defaultFramesPerSecond;
  if (!Number.isFinite(fps) || fps <= 0 || fps > 1000) {
    throw new EngineError('CONFIG_INVALID', `frames per second must be a number in (0, 1000], got ${fps}`);
  }
  return fps;
}

const isSide = (value: number): boolean => Number.isSafeInteger(value) && value >= 1 && value <= 16384;

function stallTimeout(options: FrameReaderOptions): number | undefined {
  const seconds = options.stallTimeoutSeconds;
  if (seconds === undefined) return undefined;
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new EngineError('CONFIG_INVALID', `the stall timeout must be a positive number of seconds, got ${seconds}`);
  }
  return seconds * 1000;
}

/** The ffmpeg command line; exported shape documented in `readFrames`. */
export function ffmpegArguments(
  source: string,
  options: FrameReaderOptions,
  fps: number,
  useFpsMode: boolean,
): string[] {
  const passthrough = useFpsMode ? ['-fps_mode', 'passthrough'] : ['-vsync', 'passthrough'];
  const sampling =
    options.everyFrame === true
      ? passthrough
      : options.lowLatency === true
        ? ['-vf', `${slotSelectExpression(fps)},showinfo=checksum=0`, ...passthrough]
        : options.outputRate !== undefined
          ? ['-r', String(fps)]
          : ['-vf', `fps=${fps}`];
  const scale = options.scale !== undefined ? ['-s', `${options.scale.width}x${options.scale.height}`] : [];
  return [
    '-nostdin',
    '-hide_banner',
    '-nostats',
    '-loglevel',
    'info',
    ...(options.realtime === true ? ['-re'] : []),
    ...(options.autorotate === true ? [] : ['-noautorotate']),
    ...(options.inputOptions ?? []),
    ...(options.httpProxy !== undefined && /^https?:\/\//i.test(source) ? ['-http_proxy', options.httpProxy] : []),
    '-i',
    source,
    '-an',
    '-sn',
    '-dn',
    '-map',
    '0:v:0',
    ...sampling,
    ...scale,
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    'pipe:1',
  ];
}

function startFfmpeg(executable: string, args: string[], httpProxy: string | undefined): FfmpegProcess {
  return spawn(executable, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    windowsHide: true,
    env: ffmpegEnvironment(httpProxy),
  });
}

/** The environment ffmpeg runs in: with a proxy, `http_proxy` is it and no `no_proxy` exemption remains. */
function ffmpegEnvironment(httpProxy: string | undefined): NodeJS.ProcessEnv {
  if (httpProxy === undefined) return process.env;
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(no_proxy|http_proxy|https_proxy|all_proxy)$/i.test(name)) env[name] = value;
  }
  env.http_proxy = httpProxy;
  return env;
}

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly error?: Error;
}

/** Resolves once the child is gone (reaped) or could not start; never rejects. */
function waitForExit(child: FfmpegProcess): Promise<Exit> {
  return new Promise((resolve) => {
    let startError: Error | undefined;
    child.once('error', (error) => {
      startError = error;
      if (child.pid === undefined) resolve({ code: null, signal: null, error });
    });
    child.once('close', (code, signal) =>
      resolve(startError === undefined ? { code, signal } : { code, signal, error: startError }),
    );
  });
}

/** The next stdout chunk, or `'stalled'` (after killing ffmpeg) when none came in time. */
async function nextChunk(
  chunks: AsyncIterator<Buffer>,
  stallMilliseconds: number | undefined,
  kill: () => void,
): Promise<IteratorResult<Buffer> | 'stalled'> {
  if (stallMilliseconds === undefined) return chunks.next();
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<'stalled'>((resolve) => {
    timer = setTimeout(() => resolve('stalled'), stallMilliseconds);
  });
  try {
    const result = await Promise.race([chunks.next(), stalled]);
    if (result === 'stalled') kill();
    return result;
  } finally {
    clearTimeout(timer);
  }
}

/** Whether frames are chosen by presentation-time slot (`lowLatency`), and so carry their presentation time. */
function sampledBySlot(options: FrameReaderOptions): boolean {
  return options.lowLatency === true && options.everyFrame !== true;
}

/**
 * The `select` expression of `lowLatency`: a frame passes when it is the first one, when its slot
 * `floor(t·N)` is past the last chosen frame's, or when time went backwards (a live source that
 * restarted its clock would otherwise be silent until it caught up). Slots, not "at least 1/N
 * after the last one": on a 30 fps source, 1/10 s after a frame is 3 frame intervals, which
 * floating point makes a hair short, so that rule took every 4th frame (7.5 per second, 482
 * frames for 60 s at `fps 10`, and its index ÷ fps drifted 12 s behind). The small epsilon puts a
 * frame that lies on a slot boundary, up to rounding, in the slot it starts.
 */
function slotSelectExpression(fps: number): string {
  const slot = (time: string): string => `floor(${time}*${fps}+1e-6)`;
  return `select='isnan(prev_selected_t)+gte(${slot('t')}\\,${slot('prev_selected_t')}+1)+lt(t\\,prev_selected_t)'`;
}

function spawnFailure(executable: string, error: Error): EngineError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'EACCES') {
    return new EngineError('VIDEO_DECODER_MISSING', `ffmpeg could not be started from ${executable} (${code})`, {
      cause: error,
    });
  }
  return new EngineError('VIDEO_UNREADABLE', `ffmpeg could not be started: ${error.message}`, { cause: error });
}

/** `VIDEO_UNREADABLE` with ffmpeg's last error line, the source in it shown as `describe` shows it. */
export function unreadable(source: string, log: FfmpegLog, fallback: string): EngineError {
  const shown = describe(source);
  const line = log.lastError(fallback).split(source).join(shown);
  return new EngineError('VIDEO_UNREADABLE', line.startsWith(shown) ? line : `${shown}: ${line}`);
}

/** The source for messages: a URL loses its query string and credentials (they may hold tokens). */
export function describe(source: string): string {
  try {
    const url = new URL(source);
    if (url.protocol !== 'file:' && url.host !== '') return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    // not a URL: a file path
  }
  return source;
}

/** Read through a call so TypeScript does not narrow `aborted`, which changes between awaits. */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}
