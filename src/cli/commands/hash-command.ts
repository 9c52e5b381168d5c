import { availableParallelism } from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import { defaultMaxPixels, type FetchPolicy } from '../../content/index.js';
import { type EngineError, mapOrdered, toEngineError } from '../../core/index.js';
import {
  type HashMediaOptions,
  hashableSignalNames,
  hashMedia,
  type MediaHashes,
  type MediaSignalName,
  type VideoHashOptions,
} from '../../hasher/index.js';
import { cliSettings } from '../cli-settings.js';
import { expandInputs, loadInputBytes } from '../expand-inputs.js';
import type { CliIo } from '../io.js';
import { commaList, positiveInteger, withUrlOptions } from '../options.js';
import { startProgress } from '../progress.js';

/** The video sampling options `hash` and `match` share (see `withVideoOptions`). */
export interface VideoCliOptions {
  videoFps: number;
  everyFrame: boolean;
}

/** Parses a frame rate option: a positive number up to 1000 (`0.5` = one frame every 2 s). */
function framesPerSecond(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0 || parsed > 1000) {
    throw new InvalidArgumentError('expected a number of frames per second in (0, 1000]');
  }
  return parsed;
}

/**
 * `--video-fps` and `--every-frame`: how videos are sampled for vPDQ. One frame per second by
 * default, as python-threatexchange and HMA hash videos; `--every-frame` hashes every decoded
 * frame, as the C++ `vpdq-hash-video` and its sample hashes do (about 30× the work).
 */
export function withVideoOptions(command: Command): Command {
  return command
    .option('--video-fps <n>', 'vPDQ: frames hashed per second of video', framesPerSecond, 1)
    .option('--every-frame', 'vPDQ: hash every frame of a video (as the C++ vpdq tool) instead of --video-fps', false);
}

/** The hasher's video options from the command line. */
export function videoHashOptions(options: VideoCliOptions): VideoHashOptions {
  return options.everyFrame ? { everyFrame: true } : { fps: options.videoFps };
}

interface HashCommandOptions extends VideoCliOptions {
  signals: string[];
  dihedral: boolean;
  tmk: boolean;
  format?: 'jsonl' | 'text';
  autoOrient: boolean;
  maxPixels: number;
  maxBytes: number;
  urlTimeout: number;
  allowHost: string[];
  allowPrivate: boolean;
  concurrency: number;
  progress: boolean;
}

/** What one input produced: its signals, or the error that stopped it. */
type HashOutcome = { hashes: MediaHashes } | { error: EngineError };

function checkSignals(names: readonly string[]): MediaSignalName[] {
  const unknown = names.filter((name) => !(hashableSignalNames as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) {
    throw new Error(
      `--signals takes a comma-separated list of ${hashableSignalNames.join(', ')}; got "${names.join(',')}"`,
    );
  }
  return hashableSignalNames.filter((name) => names.includes(name));
}

/** The JSONL record of one input, with keys in a fixed order. */
export function hashRecord(path: string, outcome: HashOutcome): Record<string, unknown> {
  if ('error' in outcome) return { path, error: outcome.error.toJSON() };
  return { path, ...outcome.hashes };
}

function textLine(path: string, outcome: HashOutcome): string {
  if ('error' in outcome) return `${path}\tERROR ${outcome.error.code}: ${outcome.error.message}`;
  const fields = Object.entries(outcome.hashes).flatMap(([key, value]) =>
    typeof value === 'object' ? Object.entries(value).map(([name, hash]) => `${name}=${hash}`) : [`${key}=${value}`],
  );
  return `${path}\t${fields.join('\t')}`;
}

/** Runs `prevail hash`; resolves to the exit status (1 when any input failed). */
async function runHash(args: string[], options: HashCommandOptions, io: CliIo): Promise<number> {
  const checked = checkSignals(options.signals);
  const signals: readonly MediaSignalName[] = options.tmk ? [...checked, 'tmk_pdqf'] : checked;
  const format = options.format ?? (io.stdout.isTTY ? 'text' : 'jsonl');
  const hashOptions: HashMediaOptions = {
    signals,
    dihedral: options.dihedral,
    decode: { maxPixels: options.maxPixels, autoOrient: options.autoOrient },
    video: videoHashOptions(options),
  };
  const fetchPolicy: FetchPolicy = {
    maxBytes: options.maxBytes,
    timeoutMs: options.urlTimeout,
    allowedHosts: options.allowHost,
    allowPrivateAddresses: options.allowPrivate,
  };
  const inputs = await expandInputs(args);
  const progress = startProgress(inputs.length, options.progress && io.stderr.isTTY === true, io.stderr, 'hashing');
  let failures = 0;
  await mapOrdered(
    inputs,
    options.concurrency,
    async (input): Promise<HashOutcome> => {
      try {
        const bytes = await loadInputBytes(input, options.maxBytes, fetchPolicy);
        return { hashes: await hashMedia(bytes, hashOptions) };
      } catch (error) {
        return { error: toEngineError(error) };
      }
    },
    (outcome, input) => {
      if ('error' in outcome) failures++;
      const line =
        format === 'jsonl' ? JSON.stringify(hashRecord(input.location, outcome)) : textLine(input.location, outcome);
      io.stdout.write(`${line}\n`);
      progress.tick();
    },
  );
  progress.stop();
  return failures > 0 ? 1 : 0;
}

/** `prevail hash`: signals of images, files and URLs as JSONL. */
export function hashCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  return withVideoOptions(withUrlOptions(new Command('hash')))
    .summary('compute PDQ (images), vPDQ (videos), MD5 and SHA-256 signals of files, directories and URLs')
    .description(
      [
        'Compute signals of each input and print one line per input, in input order.',
        'Inputs are files, directories (walked recursively, keeping image file endings) and http(s) URLs. PDQ is computed at full resolution like HMA and python-threatexchange, bit-exact with the C++ reference; EXIF orientation is not applied unless --auto-orient.',
        'Videos (MP4, QuickTime, Matroska/WebM, AVI, FLV, MPEG-TS/PS, ASF, Ogg, told by their bytes) are decoded with ffmpeg and get "vpdq" instead of "pdq": python-threatexchange\'s signal string, a JSON list of "pdqHex,quality,timestamp", one per sampled frame (1 per second unless --video-fps or --every-frame).',
        'JSONL output (the default when stdout is not a terminal) has one object per input: {"path": "a.jpg", "pdq": "<64 hex>", "quality": 87, "md5": "...", "sha256": "..."}, or {"path": "v.mp4", "vpdq": "[\\"<64 hex>,100,0.0\\", …]", "md5": …, "sha256": …} for a video. An input that fails gives {"path": ..., "error": {"code": ..., "message": ...}}; the others go on and the exit status is 1. A PDQ hash with quality below 50 should not be used for matching.',
      ].join('\n\n'),
    )
    .argument('<inputs...>', 'image or video files, directories or http(s) URLs')
    .option('--signals <list>', `comma-separated signals: ${hashableSignalNames.join(',')}`, commaList, [
      ...hashableSignalNames,
    ])
    .option('--dihedral', 'also print the 7 rotated/flipped PDQ hashes under "dihedral"', false)
    .option(
      '--tmk',
      'videos: also print "tmk_pdqf", TMK+PDQF (base64 of the .tmk file, 351,128 characters; one more ffmpeg pass per video)',
      false,
    )
    .addOption(
      new Option('--format <format>', 'output format (default: jsonl unless stdout is a terminal)').choices([
        'jsonl',
        'text',
      ]),
    )
    .option('--auto-orient', 'apply the EXIF orientation before hashing (banks built by reference tools do not)', false)
    .option(
      '--max-pixels <n>',
      'refuse images with more pixels than this (env PREVAIL_MAX_PIXELS)',
      positiveInteger,
      cliSettings().maxPixels ?? defaultMaxPixels,
    )
    .option(
      '--max-bytes <n>',
      'refuse files and downloads larger than this many bytes (env PREVAIL_MAX_BYTES)',
      positiveInteger,
      cliSettings().maxBytes ?? 256 * 1024 * 1024,
    )
    .option(
      '--concurrency <n>',
      'inputs read and decoded at once',
      positiveInteger,
      Math.max(2, availableParallelism()),
    )
    .option('--no-progress', 'never show the progress bar (it only ever shows on a terminal)')
    .action(async (args: string[], options: HashCommandOptions) => {
      setExitCode(await runHash(args, options, io));
    });
}
