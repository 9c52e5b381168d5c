import { randomUUID } from 'node:crypto';
import { Command, InvalidArgumentError } from 'commander';
import { createServices } from '../../app/index.js';
import {
  checkStreamSource,
  type ExtraFrameView,
  engineMatchSink,
  type FrameHasher,
  type FrameSource,
  frameHasher,
  frameViewsWith,
  operatorStreamSourcePolicy,
  type StreamWatchEvent,
  StreamWatcher,
} from '../../streams/index.js';
import { readFrames } from '../../video/index.js';
import { cliLogger } from '../cli-settings.js';
import type { CliIo } from '../io.js';
import { commaList, extraViewsOption, positiveInteger } from '../options.js';
import { type StorageCliOptions, storageSettings, withStorageOptions } from '../storage-options.js';

interface WatchOptions extends StorageCliOptions {
  fps: number;
  bank?: string[];
  debug: boolean;
  duration?: number;
  maxReconnects: number;
  stallTimeout?: number;
  realtime: boolean;
  cooldown: number;
  events: boolean;
  streamEntity?: string;
  user?: string;
  /** Views off by default to hash too (`extraFrameViews` of `src/streams/`). */
  extraViews?: ExtraFrameView[];
}

/** What tests (and embedders) may replace: the frame reader and hasher, and the signal that stops the watch. */
export interface WatchCommandDependencies {
  readonly readFrames?: FrameSource;
  readonly hashFrame?: FrameHasher;
  /** Aborting it stops the watch as SIGINT does (tests cannot send SIGINT to their own process safely). */
  readonly interrupt?: AbortSignal;
}

/** Parses a positive number option (`--fps 0.5`), for commander. */
function positiveNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError('expected a positive number');
  return parsed;
}

/** Parses a whole number ≥ 0 (`--max-reconnects 0`), for commander. */
function wholeNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0) throw new InvalidArgumentError('expected a whole number >= 0');
  return parsed;
}

/**
 * The JSONL line of one watcher event, or undefined when the event is not printed: `frame` lines
 * only with `--debug`; `state` changes only with `--debug`; `match`, `reconnect` and `ended` always.
 */
export function watchLine(event: StreamWatchEvent, debug: boolean): string | undefined {
  switch (event.type) {
    case 'frame':
      return debug ? JSON.stringify(event) : undefined;
    case 'state':
      return debug ? JSON.stringify(event) : undefined;
    case 'ended':
      return JSON.stringify({
        type: 'ended',
        t: event.t,
        frames: event.frames,
        reason: event.reason,
        state: event.state,
        dropped: event.dropped,
        matches: event.matches,
        reconnects: event.reconnects,
      });
    default:
      return JSON.stringify(event);
  }
}

/**
 * `prevail watch <url>`: watch one live stream (or a video file) and print what it matches, as
 * JSONL, until the stream ends, `--duration` passes, or SIGINT/SIGTERM. Exit status 0 when the
 * source ended or the watch was stopped, 1 when it failed (could not be opened, or never sent a
 * frame within the reconnect attempts).
 */
export function watchCommand(
  io: CliIo,
  setExitCode: (code: number) => void,
  dependencies: WatchCommandDependencies = {},
): Command {
  return withStorageOptions(new Command('watch'))
    .summary('watch a live stream (RTMP, RTSP, HLS, HTTP-FLV) or a video file and report bank matches (JSONL)')
    .description(
      [
        'Samples frames of the source with ffmpeg (--fps per second, default 1), hashes each with PDQ, and looks',
        'frames of quality >= 50 up in the banks (all, or --bank). One JSON line per event:',
        '  {"type":"match","t":SECONDS,"at":ISO,"quality":Q,"pdq":HEX,"matches":[{"bank","contentId","distance",...}],"event":ID|null}',
        '  {"type":"reconnect","t":...,"attempt":N,"delayMs":MS,"reason":"..."}',
        '  {"type":"ended","t":...,"frames":N,"reason":"...","state":"ended|failed|stopped",...}',
        '  {"type":"frame","t":...,"quality":Q,"pdq":HEX,"matched":BOOL} and state changes, with --debug only.',
        't is stream time: the frame timestamp, continued across reconnects. Live sources that drop or stall are',
        'reopened with backoff (1 s doubling to 30 s); files and HLS playlists end at their end. Frames are never',
        'stored. With --events every match also becomes a media.matched event in the signals engine (one per bank',
        'item per --cooldown seconds), about --stream-entity (default a new id) and --user (the host).',
        'Exit status: 0 at the end of the source or when stopped (--duration, SIGINT), 1 when it failed.',
      ].join('\n'),
    )
    .argument('<url>', 'rtmp://, rtmps://, rtsp://, http(s):// (HLS .m3u8 or HTTP-FLV) URL, or a video file')
    .option('--fps <n>', 'frames sampled per second (at most 30)', positiveNumber, 1)
    .option(
      '--bank <names>',
      'only these banks (comma-separated; repeatable)',
      (value: string, previous: string[] = []) => [...previous, ...commaList(value)],
    )
    .option('--debug', 'also print every sampled frame and state change', false)
    .option('--duration <seconds>', 'stop after this many seconds', positiveNumber)
    .option('--max-reconnects <n>', 'reconnect attempts in a row before giving up', wholeNumber, 5)
    .option(
      '--stall-timeout <seconds>',
      'reconnect after this long without a frame (default max(10, 3/fps))',
      positiveNumber,
    )
    .option('--realtime', 'read a file at its own speed, as if it were live', false)
    .option('--cooldown <seconds>', 'one engine event per bank item per this many seconds', positiveInteger, 60)
    .option('--events', 'send matches to the signals engine as media.matched events', false)
    .option('--stream-entity <id>', 'the stream entity id of the events (default: a new id)')
    .option('--user <id>', 'the host user entity id of the events')
    .option(
      '--extra-views <names>',
      'also hash views that are off by default: small-insets (picture-in-picture under 4 % of the frame), off-centre (crops towards a corner), corners (the four corners of the picture, for banks with --video-views corners); comma-separated',
      extraViewsOption('--extra-views'),
    )
    .action(async (url: string, options: WatchOptions) => {
      const source = await checkStreamSource(url, operatorStreamSourcePolicy);
      const services = await createServices(storageSettings(options), {
        withEngine: options.events,
        logger: cliLogger(),
      });
      const stopSignals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
      let timer: NodeJS.Timeout | undefined;
      let onSignal: (() => void) | undefined;
      try {
        const engine = services.engine;
        const watcher = new StreamWatcher({
          id: randomUUID(),
          source,
          fps: options.fps,
          matcher: services.matcher,
          readFrames: dependencies.readFrames ?? readFrames,
          ...(dependencies.hashFrame !== undefined
            ? { hashFrame: dependencies.hashFrame }
            : options.extraViews !== undefined && options.extraViews.length > 0
              ? { hashFrame: frameHasher(frameViewsWith(options.extraViews)) }
              : {}),
          cooldownMs: options.cooldown * 1000,
          reconnect: { maxReconnects: options.maxReconnects },
          realtime: options.realtime,
          ...(options.bank !== undefined && options.bank.length > 0 ? { banks: options.bank } : {}),
          ...(options.stallTimeout !== undefined ? { stallTimeoutSeconds: options.stallTimeout } : {}),
          ...(options.events && engine !== undefined ? { sink: engineMatchSink(engine) } : {}),
          entities: {
            ...(options.streamEntity !== undefined ? { stream: options.streamEntity } : {}),
            ...(options.user !== undefined ? { user: options.user } : {}),
          },
        });
        watcher.subscribe((event) => {
          const line = watchLine(event, options.debug);
          if (line !== undefined) io.stdout.write(`${line}\n`);
        });
        const interrupt = (): void => void watcher.stop('interrupted');
        onSignal = interrupt;
        for (const signal of stopSignals) process.once(signal, interrupt);
        dependencies.interrupt?.addEventListener('abort', interrupt, { once: true });
        if (options.duration !== undefined) {
          timer = setTimeout(() => void watcher.stop('duration reached'), options.duration * 1000);
        }
        const final = await watcher.start().finished;
        setExitCode(final.state === 'failed' ? 1 : 0);
      } finally {
        clearTimeout(timer);
        if (onSignal !== undefined) for (const signal of stopSignals) process.off(signal, onSignal);
        await services.close();
      }
    });
}
