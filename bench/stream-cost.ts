/**
 * `npm run bench -- stream-cost [--rounds N] [--streams N] [--realtime] [--quick] [--seconds N] [--before DIR] [--js] [--pipeline-only]`:
 * what one 720p stream watched at 1 fps costs in CPU, split by where it is spent, so that streams
 * per core can be derived on a shared machine where wall-clock capacity ("how many streams keep
 * up") cannot be measured honestly. Streams per core = 1000 / (CPU ms per stream-second).
 *
 * Two 720p25 H.264 clips (keyframe every 2 s): `zerolatency`, without B-frames (every frame is a
 * reference frame: the most decoding a stream can cost), and `2 B-frames`, encoded as OBS's x264
 * and the platforms' ingest recommendations do.
 *
 * - **Prevail, this tree and before** (`--before DIR`: the `StreamWatcher`, `readFrames` and
 *   `FrameHashPool` of another worktree's bench build, `npx tsc -p tsconfig.bench.json` there
 *   first): the whole stream path — `StreamWatcher` with its default decoder options reading the
 *   pipe, the moving region and the frame's copy on the main thread, every default view hashed in
 *   a `FrameHashPool`, every view's lookups in a bank of 10,000 hashes — as this process's CPU
 *   (`process.cpuUsage`: the main thread and the pool's worker threads) per frame hashed, plus the
 *   ffmpeg children's CPU (`/proc/self/stat` cutime + cstime once reaped) per second of clip; the
 *   sides interleaved in `rounds` rounds. `--js` adds this tree with the plain-JS PDQ kernels (its
 *   pool's workers started with `globalThis.WebAssembly` removed; checked).
 * - **Decoder options** (`decoderVariants`), one stream at a time, `readFrames` as a watcher calls
 *   it (or, for the output variants, ffmpeg writing another pixel format or size): ffmpeg's CPU per
 *   second of clip, and what they do to the frames hashed: each sampled frame's PDQ distance to the
 *   frame of the same slot decoded with `-threads 1` alone (the default before `-skip_frame noref`)
 *   and to the nearest frame (±1 s) of a full decode of every frame — 0 when the variant only
 *   chooses another frame of the second, as a dense bank (`vpdq_dense`) holds them all. On the two
 *   720p clips (every round) and, once, on the shared vPDQ sample videos (when present) and two
 *   of the stream-quality bench's generated originals (x264 `veryfast`, B-frames). `--pipeline-only`
 *   keeps the reference and the default options on the two clips and skips the other videos: a
 *   run of the pipeline sides takes minutes instead of a quarter of an hour (results in
 *   `stream-cost-pipeline.json`).
 *
 * Not counted: the media server and the network (files are read, not RTMP), the signals engine's
 * rules on a match (none match here), the HTTP API. Files are read as fast as ffmpeg decodes them
 * (no `-re`): the same frames decoded, and a run takes seconds, not minutes; `--realtime` reads
 * them at their rate as a live stream arrives (`-re`, results in `stream-cost-realtime.json`),
 * which costs ffmpeg a few ms more per stream-second (its pacing).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Services } from '../src/app/index.js';
import { activePdqKernels, hashPixels, hashPixelsJs, type PdqHash, pdqDistance } from '../src/signals/index.js';
import {
  decodeCostInHashes,
  defaultFrameViews,
  FrameHashPool,
  hashVideoFrame,
  measureFrameCost,
  measureViewsCost,
  StreamWatcher,
  streamDecoderOptions,
} from '../src/streams/index.js';
import { ffmpegPath, probeVideo, readFrames } from '../src/video/index.js';
import { describeMachine } from './lib/machine.js';
import { openRandomBank } from './lib/random-bank.js';
import { finishBenchmark, printTable } from './lib/report.js';
import { textOption } from './lib/side-options.js';
import { bankedSources, clip720, make720Clip, makeOriginal, sharedSamples } from './lib/stream-clips.js';

const { width, height } = clip720;

/** Seconds of clip decoded per stream (shorter with `--quick`). */
let clipSeconds: number = clip720.seconds;
/** Read the clip at its frame rate (`-re`), as a live stream arrives. */
let realtime = false;

/** Ticks per second of `/proc` times (`getconf CLK_TCK`; 100 on Linux). */
const clockTicks = 100;

/** One way of decoding: input options (before `-i`) and, for the output variants, what ffmpeg writes. */
interface DecoderVariant {
  readonly name: string;
  readonly inputOptions: readonly string[];
  /** Another pixel format (`gray`: the luma plane alone) or a size scaled in ffmpeg, instead of RGB at native size. */
  readonly output?: { readonly pixelFormat: 'gray' | 'rgb24'; readonly scale?: readonly [number, number] };
}

const threadsOne = ['-threads', '1'];
/** The reference: `-threads 1` alone, the decoder options of a watcher before `-skip_frame noref`. */
const referenceVariant = '-threads 1 (before)';
const decoderVariants: readonly DecoderVariant[] = [
  { name: referenceVariant, inputOptions: threadsOne },
  { name: `${streamDecoderOptions.join(' ')} (default)`, inputOptions: streamDecoderOptions },
  { name: 'ffmpeg default threads', inputOptions: [] },
  { name: '-threads 1 -skip_frame bidir', inputOptions: [...threadsOne, '-skip_frame', 'bidir'] },
  { name: '-threads 1 -skip_loop_filter nokey', inputOptions: [...threadsOne, '-skip_loop_filter', 'nokey'] },
  { name: '-threads 1 -skip_loop_filter all', inputOptions: [...threadsOne, '-skip_loop_filter', 'all'] },
  {
    name: '-skip_frame noref -skip_loop_filter all',
    inputOptions: [...streamDecoderOptions, '-skip_loop_filter', 'all'],
  },
  { name: '-threads 1 -flags2 fast', inputOptions: [...threadsOne, '-flags2', 'fast'] },
  { name: '-threads 1 -skip_idct all', inputOptions: [...threadsOne, '-skip_idct', 'all'] },
  { name: 'default, ffmpeg writes gray (luma)', inputOptions: streamDecoderOptions, output: { pixelFormat: 'gray' } },
  {
    name: 'default, ffmpeg scales to 640×360 RGB',
    inputOptions: streamDecoderOptions,
    output: { pixelFormat: 'rgb24', scale: [640, 360] },
  },
];

/** `/proc/self/stat` CPU of this process (utime + stime) and of its reaped children (cutime + cstime), ms. */
function procCpu(): { self: number; children: number } {
  const fields = (readFileSync('/proc/self/stat', 'utf8').split(') ')[1] ?? '').split(' ');
  const ms = (a: number, b: number) => ((Number(fields[a] ?? 0) + Number(fields[b] ?? 0)) * 1000) / clockTicks;
  return { self: ms(11, 12), children: ms(13, 14) };
}

/** CPU of this process's main thread alone, ms. */
function mainThreadCpuMs(): number {
  const fields = (readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ');
  return ((Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) * 1000) / clockTicks;
}

/** This process's CPU (every thread), ms, at microsecond resolution. */
function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** The frame hashing worker, started with the plain-JS PDQ kernels (no `WebAssembly` global). */
function jsKernelsEntry(): { script: string; eval: boolean } {
  const worker = JSON.stringify(new URL('../src/streams/frame-hash-worker.js', import.meta.url).href);
  return { script: `delete globalThis.WebAssembly; import(${worker});`, eval: true };
}

/** Which kernels a worker started like `jsKernelsEntry` runs (must be `js`). */
function kernelsInJsWorker(): Promise<string> {
  const signals = JSON.stringify(new URL('../src/signals/index.js', import.meta.url).href);
  const script = `delete globalThis.WebAssembly; const { parentPort } = await import('node:worker_threads'); const m = await import(${signals}); parentPort.postMessage(m.activePdqKernels);`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(`(async () => { ${script} })()`, { eval: true, execArgv: [] });
    worker.once('message', (kernels: string) => {
      resolve(kernels);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

interface DecodeRun {
  readonly childMsPerStreamSecond: number;
  readonly selfMsPerStreamSecond: number;
  readonly hashes: PdqHash[];
  /** Each sampled frame's presentation time, s (the slot index for the output variants). */
  readonly timestamps: number[];
}

/** The `select` of `readFrames`' `lowLatency` at 1 fps (the first frame of each second), and `showinfo`. */
const slotSelect =
  "select='isnan(prev_selected_t)+gte(floor(t*1+1e-6)\\,floor(prev_selected_t*1+1e-6)+1)+lt(t\\,prev_selected_t)',showinfo=checksum=0";

/**
 * Decodes `clip` once with `variant`, sampling 1 fps as a watcher does; ffmpeg's CPU per second of
 * clip (`seconds` long), and the sampled frames' hashes (whole frame).
 */
async function decodeOnce(clip: string, seconds: number, variant: DecoderVariant): Promise<DecodeRun> {
  if (variant.output !== undefined) return decodeOutput(clip, seconds, variant);
  const hashes: PdqHash[] = [];
  const timestamps: number[] = [];
  const before = procCpu();
  let hashMs = 0;
  const { inputOptions } = variant;
  for await (const frame of readFrames(clip, { fps: 1, lowLatency: true, inputOptions, realtime })) {
    const started = processCpuMs();
    hashes.push(hashVideoFrame(frame).hash);
    timestamps.push(frame.timestamp);
    hashMs += processCpuMs() - started;
  }
  const after = procCpu();
  return {
    childMsPerStreamSecond: (after.children - before.children) / seconds,
    selfMsPerStreamSecond: Math.max(0, after.self - before.self - hashMs) / seconds,
    hashes,
    timestamps,
  };
}

/** As `decodeOnce`, with ffmpeg writing the variant's pixel format and size (read here, not by `readFrames`). */
async function decodeOutput(clip: string, seconds: number, variant: DecoderVariant): Promise<DecodeRun> {
  const output = variant.output as NonNullable<DecoderVariant['output']>;
  const probe = await probeVideo(clip);
  const [w, h] = output.scale ?? [probe.width, probe.height];
  const channels = output.pixelFormat === 'gray' ? 1 : 3;
  const frameSize = w * h * channels;
  const filter = `${slotSelect}${output.scale !== undefined ? `,scale=${w}:${h}` : ''}`;
  const args = [
    ...['-nostdin', '-hide_banner', '-nostats', '-loglevel', 'error', ...(realtime ? ['-re'] : []), '-noautorotate'],
    ...variant.inputOptions,
    ...['-i', clip, '-an', '-sn', '-dn', '-map', '0:v:0', '-vf', filter, '-fps_mode', 'passthrough'],
    ...['-f', 'rawvideo', '-pix_fmt', output.pixelFormat, 'pipe:1'],
  ];
  const hashes: PdqHash[] = [];
  const before = procCpu();
  const child = spawn(ffmpegPath(), args, { stdio: ['ignore', 'pipe', 'ignore'] });
  const exited = new Promise<number | null>((done) => child.once('close', done));
  const frame = Buffer.allocUnsafe(frameSize);
  let filled = 0;
  let hashMs = 0;
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(frameSize - filled, chunk.length - offset);
      chunk.copy(frame, filled, offset, offset + take);
      filled += take;
      offset += take;
      if (filled === frameSize) {
        const started = processCpuMs();
        hashes.push(hashPixels({ width: w, height: h, channels, data: frame }).hash);
        hashMs += processCpuMs() - started;
        filled = 0;
      }
    }
  }
  const code = await exited;
  if (code !== 0) throw new Error(`ffmpeg (${variant.name}) exited with ${code}`);
  const after = procCpu();
  return {
    childMsPerStreamSecond: (after.children - before.children) / seconds,
    selfMsPerStreamSecond: Math.max(0, after.self - before.self - hashMs) / seconds,
    hashes,
    timestamps: hashes.map((_, index) => index),
  };
}

/** Every frame of `clip` decoded with `-threads 1` (a full decode), hashed, with its time. */
async function fullDecode(clip: string): Promise<{ hashes: PdqHash[]; timestamps: number[] }> {
  const hashes: PdqHash[] = [];
  const timestamps: number[] = [];
  for await (const frame of readFrames(clip, { everyFrame: true, inputOptions: threadsOne })) {
    hashes.push(hashVideoFrame(frame).hash);
    timestamps.push(frame.timestamp);
  }
  return { hashes, timestamps };
}

/** How a variant's sampled frames compare with the reference's and with a full decode. */
interface FrameComparison {
  readonly framesSampled: number;
  readonly framesOfReference: number;
  readonly identicalToReference: number;
  /** Largest PDQ distance to the reference's frame of the same slot. */
  readonly maxToReference: number | null;
  /** Largest, over the sampled frames, PDQ distance to the nearest frame (±1 s) of a full decode. */
  readonly maxToNearestDecoded: number | null;
  /** Sampled frames that are (by hash) a frame of the full decode. */
  readonly inFullDecode: number;
}

function compareFrames(
  run: DecodeRun,
  reference: DecodeRun,
  full: { hashes: PdqHash[]; timestamps: number[] },
): FrameComparison {
  const toReference = run.hashes.map((hash, index) => {
    const other = reference.hashes[index];
    return other === undefined ? 256 : pdqDistance(hash, other);
  });
  const toNearest = run.hashes.map((hash, index) => {
    const time = run.timestamps[index] ?? index;
    let nearest = 256;
    for (const [frame, other] of full.hashes.entries()) {
      if (Math.abs((full.timestamps[frame] ?? 0) - time) <= 1) nearest = Math.min(nearest, pdqDistance(hash, other));
    }
    return nearest;
  });
  return {
    framesSampled: run.hashes.length,
    framesOfReference: reference.hashes.length,
    identicalToReference: toReference.filter((distance) => distance === 0).length,
    maxToReference: toReference.length === 0 ? null : Math.max(...toReference),
    maxToNearestDecoded: toNearest.length === 0 ? null : Math.max(...toNearest),
    inFullDecode: toNearest.filter((distance) => distance === 0).length,
  };
}

/** What the stream path is made of: this tree's modules, or another worktree's build (`--before`). */
interface StreamModules {
  readonly StreamWatcher: typeof StreamWatcher;
  readonly FrameHashPool: typeof FrameHashPool;
  readonly readFrames: typeof readFrames;
  /** What the views of a letterboxed frame cost (`measureViewsCost`), on this thread. */
  readonly measureViewsCost: typeof measureViewsCost;
}

const thisTree: StreamModules = { StreamWatcher, FrameHashPool, readFrames, measureViewsCost };

/** The stream modules of another worktree's bench build. */
async function beforeModules(directory: string): Promise<StreamModules> {
  const root = join(resolve(directory), 'build', 'bench', 'src');
  if (!existsSync(join(root, 'streams', 'index.js'))) {
    throw new Error(`${root} holds no build: run \`npx tsc -p tsconfig.bench.json\` in ${directory} first`);
  }
  const streams = await import(pathToFileURL(join(root, 'streams', 'index.js')).href);
  const video = await import(pathToFileURL(join(root, 'video', 'index.js')).href);
  return {
    StreamWatcher: streams.StreamWatcher,
    FrameHashPool: streams.FrameHashPool,
    readFrames: video.readFrames,
    measureViewsCost: streams.measureViewsCost,
  };
}

interface PipelineRun {
  readonly frames: number;
  readonly lookups: number;
  /** This process (main thread + pool workers) per frame hashed, ms. */
  readonly processMsPerFrame: number;
  readonly mainThreadMsPerFrame: number;
  /** The streams' ffmpeg children per second of clip, ms. */
  readonly decodeMsPerStreamSecond: number;
}

/** `streams` watchers over the clip with a pool of `workers` (WASM or JS kernels), to the end of the clip. */
async function pipelineOnce(
  modules: StreamModules,
  services: Services,
  clip: string,
  streams: number,
  workers: number,
  kernels: 'wasm' | 'js',
): Promise<PipelineRun> {
  const pool = new modules.FrameHashPool({ workers, ...(kernels === 'js' ? { entry: jsKernelsEntry() } : {}) });
  try {
    // Warm the workers (start-up and the kernels' compilation are not a stream's cost).
    const warm = { index: 0, timestamp: 0, width, height, rgb: new Uint8Array(width * height * 3) };
    await Promise.all(Array.from({ length: workers }, (_, lane) => pool.hash(`warm-${lane}`, warm)));
    let frames = 0;
    let lookups = 0;
    const watchers = Array.from({ length: streams }, (_, index) => {
      const id = `cost-${kernels}-${index}`;
      const hasher = pool.hasherFor(id);
      const watcher = new modules.StreamWatcher({
        id,
        source: { source: clip, kind: 'file', inputOptions: [] },
        matcher: services.matcher,
        readFrames: modules.readFrames,
        realtime,
        hashFrame: async (frame) => {
          const hashed = await hasher(frame);
          if (hashed !== undefined) lookups += 1 + (hashed.views?.length ?? 0);
          return hashed;
        },
        reconnect: { maxReconnects: 0 },
      });
      watcher.subscribe((event) => {
        if (event.type === 'frame') frames += 1;
      });
      return watcher;
    });
    const before = procCpu();
    const processBefore = processCpuMs();
    const mainBefore = mainThreadCpuMs();
    for (const watcher of watchers) watcher.start();
    await Promise.all(watchers.map((watcher) => watcher.finished));
    const processMs = processCpuMs() - processBefore;
    const mainMs = mainThreadCpuMs() - mainBefore;
    const after = procCpu();
    return {
      frames,
      lookups,
      processMsPerFrame: processMs / Math.max(1, frames),
      mainThreadMsPerFrame: mainMs / Math.max(1, frames),
      decodeMsPerStreamSecond: (after.children - before.children) / (streams * clipSeconds),
    };
  } finally {
    await pool.close();
  }
}

/** Median, min and max. */
function spread(values: readonly number[]): { median: number; min: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 10) / 10;
  return {
    median: round(sorted[Math.floor(sorted.length / 2)] ?? Number.NaN),
    min: round(sorted[0] ?? Number.NaN),
    max: round(sorted.at(-1) ?? Number.NaN),
  };
}

type Spread = ReturnType<typeof spread>;

const show = ({ median, min, max }: Spread) => `${median.toFixed(1)} (${min.toFixed(1)}–${max.toFixed(1)})`;

function numberArg(args: string[], name: string, fallback: number): number {
  const index = args.indexOf(name);
  const value = index >= 0 ? Number(args[index + 1]) : fallback;
  return Number.isSafeInteger(value) && value > 0 ? value : fallback;
}

/** A side of the pipeline measurement: whose modules, which kernels. */
interface Side {
  readonly name: string;
  readonly modules: StreamModules;
  readonly kernels: 'wasm' | 'js';
}

/** A clip of the measurement: its name, file and seconds. */
interface Clip {
  readonly name: string;
  readonly path: string;
  readonly seconds: number;
}

/** A side's runs on one clip, summed up. */
function summarizePipeline(runs: readonly PipelineRun[]) {
  return {
    framesPerRun: runs.map((run) => run.frames),
    lookupsPerFrame: Math.round((runs[0]?.lookups ?? 0) / Math.max(1, runs[0]?.frames ?? 1)),
    decodeMsPerStreamSecond: spread(runs.map((run) => run.decodeMsPerStreamSecond)),
    prevailMsPerFrame: spread(runs.map((run) => run.processMsPerFrame)),
    mainThreadMsPerFrame: spread(runs.map((run) => run.mainThreadMsPerFrame)),
    totalMsPerStreamSecond: spread(runs.map((run) => run.decodeMsPerStreamSecond + run.processMsPerFrame)),
    streamsPerCore: spread(runs.map((run) => 1000 / (run.decodeMsPerStreamSecond + run.processMsPerFrame))),
  };
}

export async function run(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  realtime = args.includes('--realtime');
  const rounds = numberArg(args, '--rounds', quick ? 1 : 3);
  const streams = numberArg(args, '--streams', 2);
  const beforeDirectory = textOption(args, '--before');
  const workers = Math.max(1, availableParallelism());
  const machine = describeMachine();
  const loadStart = loadavg().map((value) => Math.round(value * 100) / 100);
  console.log(`machine: ${JSON.stringify(machine)}; load average ${loadStart.join(' ')}`);
  const sides: Side[] = [{ name: 'this tree', modules: thisTree, kernels: 'wasm' }];
  if (beforeDirectory !== undefined)
    sides.push({ name: 'before', modules: await beforeModules(beforeDirectory), kernels: 'wasm' });
  if (args.includes('--js')) {
    const jsKernels = await kernelsInJsWorker();
    if (jsKernels !== 'js') throw new Error(`the JS side's workers run ${jsKernels} kernels, not js`);
    sides.push({ name: 'this tree, JS kernels', modules: thisTree, kernels: 'js' });
  }
  const directory = await mkdtemp(join(tmpdir(), 'prevail-bench-stream-cost-'));
  const services = await openRandomBank(directory);
  try {
    clipSeconds = numberArg(args, '--seconds', quick ? 12 : clip720.seconds);
    const clips: Clip[] = [
      { name: 'zerolatency', path: await make720Clip(directory, clipSeconds), seconds: clipSeconds },
      { name: '2 B-frames', path: await make720Clip(directory, clipSeconds, 2), seconds: clipSeconds },
    ];
    console.log(
      `clips: ${width}x${height} 25 fps H.264, keyframe every 2 s, ${clipSeconds} s, without B-frames (zerolatency) and with 2; ${streams} streams at once, pool of ${workers} worker(s); bank 10,000 PDQ hashes; ${rounds} round(s); sides: ${sides.map((side) => side.name).join(', ')}; ${realtime ? "read at the clip's rate (-re)" : 'read as fast as ffmpeg decodes'}`,
    );
    const key = (side: string, clip: string) => `${side} / ${clip}`;
    const decode = new Map<string, DecodeRun[]>();
    const pipeline = new Map<string, PipelineRun[]>();
    const push = <T>(map: Map<string, T[]>, name: string, value: T) => map.set(name, [...(map.get(name) ?? []), value]);
    const hashUnit = { wasm: [] as number[], js: [] as number[] };
    /** What the stream manager's default budget measures (wall clock): one hash, and the default views. */
    const budgetUnit: number[] = [];
    const budgetViews: number[] = [];
    /** The same views, in CPU ms (a letterboxed frame: 6 views, more than the clip's 3–4). */
    const viewsCpu: number[] = [];
    /** The views of a letterboxed frame per side, CPU ms (`measureViewsCost`, 10 hashings a round). */
    const viewsBySide = new Map<string, number[]>();
    const pipelineOnly = args.includes('--pipeline-only');
    const variantsRun = pipelineOnly
      ? decoderVariants.filter((variant) => variant.name === referenceVariant || variant.name.endsWith('(default)'))
      : decoderVariants;
    for (let round = 1; round <= rounds; round++) {
      for (const clip of clips) {
        for (const variant of variantsRun) {
          const result = await decodeOnce(clip.path, clip.seconds, variant);
          push(decode, key(variant.name, clip.name), result);
          console.log(
            `  round ${round}, ${clip.name}, decode ${variant.name}: ffmpeg ${result.childMsPerStreamSecond.toFixed(1)} ms/stream-s`,
          );
        }
        const order = round % 2 === 1 ? sides : [...sides].reverse();
        for (const side of order) {
          const result = await pipelineOnce(side.modules, services, clip.path, streams, workers, side.kernels);
          push(pipeline, key(side.name, clip.name), result);
          console.log(
            `  round ${round}, ${clip.name}, pipeline ${side.name}: ${result.frames} frames, ${result.processMsPerFrame.toFixed(1)} ms/frame (main thread ${result.mainThreadMsPerFrame.toFixed(1)}), ffmpeg ${result.decodeMsPerStreamSecond.toFixed(1)} ms/stream-s`,
          );
        }
      }
      hashUnit.wasm.push(hashCpuMs(hashPixels));
      hashUnit.js.push(hashCpuMs(hashPixelsJs));
      budgetUnit.push(measureFrameCost());
      const viewsStarted = processCpuMs();
      budgetViews.push(measureViewsCost(defaultFrameViews, width, height, 3).milliseconds);
      // measureViewsCost hashes the views 1 + 3 times.
      viewsCpu.push((processCpuMs() - viewsStarted) / 4);
      // The same views on each side, on this thread (the letterbox makes 8 views, the clip 3-4).
      for (const side of round % 2 === 1 ? sides : [...sides].reverse()) {
        if (side.kernels === 'js') continue;
        const started = processCpuMs();
        side.modules.measureViewsCost(defaultFrameViews, width, height, 9);
        push(viewsBySide, side.name, (processCpuMs() - started) / 10);
      }
    }

    // The frames: the 720p clips (first round), the shared sample videos and two generated originals (once).
    const others: Clip[] = [];
    for (const path of pipelineOnly ? [] : sharedSamples) {
      if (!existsSync(path)) {
        console.log(`shared sample video skipped (not present): ${path}`);
        continue;
      }
      others.push({
        name: path.split('/').pop() ?? path,
        path,
        seconds: (await probeVideo(path)).durationSeconds ?? 1,
      });
    }
    for (const source of pipelineOnly ? [] : bankedSources.slice(0, 2)) {
      const path = await makeOriginal(directory, source, quick ? 8 : 15);
      others.push({ name: `${source.name} (generated)`, path, seconds: (await probeVideo(path)).durationSeconds ?? 1 });
    }
    for (const clip of others) {
      for (const variant of variantsRun)
        push(decode, key(variant.name, clip.name), await decodeOnce(clip.path, clip.seconds, variant));
    }
    const frames = new Map<string, Record<string, FrameComparison>>();
    for (const clip of [...clips, ...others]) {
      const full = await fullDecode(clip.path);
      const reference = decode.get(key(referenceVariant, clip.name))?.[0];
      if (reference === undefined) continue;
      const byVariant: Record<string, FrameComparison> = {};
      for (const variant of variantsRun) {
        const first = decode.get(key(variant.name, clip.name))?.[0];
        if (first !== undefined) byVariant[variant.name] = compareFrames(first, reference, full);
      }
      frames.set(clip.name, byVariant);
    }
    const variants = variantsRun.map((variant) => ({
      name: variant.name,
      inputOptions: variant.inputOptions,
      output: variant.output ?? null,
      clips: Object.fromEntries(
        [...clips, ...others].map((clip) => {
          const runs = decode.get(key(variant.name, clip.name)) ?? [];
          return [
            clip.name,
            {
              ffmpegMsPerStreamSecond: spread(runs.map((run) => run.childMsPerStreamSecond)),
              readMsPerStreamSecond: spread(runs.map((run) => run.selfMsPerStreamSecond)),
              frames: frames.get(clip.name)?.[variant.name] ?? null,
            },
          ];
        }),
      ),
    }));
    const summaries = clips.map((clip) => ({
      clip: clip.name,
      sides: Object.fromEntries(
        sides.map((side) => [side.name, summarizePipeline(pipeline.get(key(side.name, clip.name)) ?? [])]),
      ),
    }));
    const hashWasm = spread(hashUnit.wasm);
    const hashJs = spread(hashUnit.js);
    console.log('');
    const columns = sides.map((side) => side.name);
    const beforeIndex = sides.findIndex((side) => side.name === 'before');
    for (const summary of summaries) {
      const row = (label: string, pick: (side: ReturnType<typeof summarizePipeline>) => Spread, ratioOf?: boolean) => {
        const values = columns.map((name) => pick(summary.sides[name] as ReturnType<typeof summarizePipeline>));
        const before = beforeIndex >= 0 ? values[beforeIndex] : undefined;
        return [
          label,
          ...values.map(show),
          ...(beforeIndex >= 0
            ? [ratioOf === true && before !== undefined ? ratio(values[0]?.median ?? Number.NaN, before.median) : '']
            : []),
        ];
      };
      printTable(
        [
          `${summary.clip}: CPU per 720p stream at 1 fps (median of rounds, min–max)`,
          ...columns,
          ...(beforeIndex >= 0 ? ['this tree / before (×)'] : []),
        ],
        [
          row('decoding: ffmpeg ms per stream-second', (side) => side.decodeMsPerStreamSecond, true),
          row('Prevail: views hashed + lookups + pipe, ms per frame', (side) => side.prevailMsPerFrame, true),
          row('  of which main thread, ms per frame', (side) => side.mainThreadMsPerFrame, true),
          row('total ms per stream-second', (side) => side.totalMsPerStreamSecond, true),
          row('720p streams per core at 1 fps (1000 / total)', (side) => side.streamsPerCore, true),
        ],
      );
      console.log('');
    }
    const decodeReference = variants[0]?.clips.zerolatency?.ffmpegMsPerStreamSecond.median ?? Number.NaN;
    console.log(
      `one 720p hash, CPU ms: WASM ${show(hashWasm)}, JS ${show(hashJs)}; decoding a zerolatency stream-second with -threads 1 = ${ratio(decodeReference, hashWasm.median)} WASM hashes (the budget assumes ${decodeCostInHashes})`,
    );
    const budgetHash = spread(budgetUnit);
    const budgetViewsMs = spread(budgetViews);
    const viewsCpuMs = spread(viewsCpu);
    const estimateCpu = viewsCpuMs.median + decodeCostInHashes * hashWasm.median;
    console.log(
      `budget (${activePdqKernels} kernels, decoding = ${decodeCostInHashes} hashes): its measures at first use (wall clock) one hash ${show(budgetHash)} ms, the default views of a letterboxed frame ${show(budgetViewsMs)} ms; in CPU ms ${show(hashWasm)} and ${show(viewsCpuMs)}, so its per-stream-second estimate in CPU is ${estimateCpu.toFixed(1)} ms`,
    );
    const viewsSides = [...viewsBySide].map(([name, values]) => ({ name, cpuMs: spread(values) }));
    console.log(
      `the default views of a letterboxed 720p frame (the moving region's search included), CPU ms on this thread: ${viewsSides.map((side) => `${side.name} ${show(side.cpuMs)}`).join(', ')}${viewsSides.length === 2 ? ` (before / this tree ${ratio(viewsSides[1]?.cpuMs.median ?? Number.NaN, viewsSides[0]?.cpuMs.median ?? Number.NaN)})` : ''}`,
    );
    console.log('');
    const describeFrames = (comparison: FrameComparison | null) =>
      comparison === null
        ? 'n/a'
        : `${comparison.identicalToReference}/${comparison.framesSampled} same (max ${comparison.maxToReference}), ${comparison.inFullDecode} decoded exactly (max ${comparison.maxToNearestDecoded})`;
    for (const clip of clips) {
      printTable(
        [
          `decoder options, ${clip.name} (1 stream at a time)`,
          'ffmpeg ms per stream-second',
          `vs ${referenceVariant} (×)`,
          'sampled frames: as -threads 1 (max bits off); a frame of a full decode (max bits to nearest)',
        ],
        variants.map((variant) => {
          const measured = variant.clips[clip.name];
          const reference = variants[0]?.clips[clip.name]?.ffmpegMsPerStreamSecond.median ?? Number.NaN;
          return [
            variant.name,
            measured === undefined ? 'n/a' : show(measured.ffmpegMsPerStreamSecond),
            ratio(reference, measured?.ffmpegMsPerStreamSecond.median ?? Number.NaN),
            describeFrames(measured?.frames ?? null),
          ];
        }),
      );
      console.log('');
    }
    printTable(
      [
        'decoder options, other videos (once): ffmpeg ms per stream-second; sampled frames',
        ...others.map((clip) => clip.name),
      ],
      variants.map((variant) => [
        variant.name,
        ...others.map((clip) => {
          const measured = variant.clips[clip.name];
          return measured === undefined
            ? 'n/a'
            : `${measured.ffmpegMsPerStreamSecond.median.toFixed(1)}; ${describeFrames(measured.frames)}`;
        }),
      ]),
    );
    await finishBenchmark(`stream-cost${realtime ? '-realtime' : ''}${pipelineOnly ? '-pipeline' : ''}`, {
      realtime,
      machine,
      loadAverage: { start: loadStart, end: loadavg().map((value) => Math.round(value * 100) / 100) },
      clips: [
        { name: 'zerolatency', width, height, fps: 25, seconds: clipSeconds, gopSeconds: 2, bFrames: 0 },
        { name: '2 B-frames', width, height, fps: 25, seconds: clipSeconds, gopSeconds: 2, bFrames: 2 },
      ],
      otherVideos: others.map((clip) => ({ name: clip.name, seconds: clip.seconds })),
      rounds,
      streamsAtOnce: streams,
      poolWorkers: workers,
      sides: sides.map((side) => ({ name: side.name, kernels: side.kernels })),
      before: beforeDirectory === undefined ? null : { directory: resolve(beforeDirectory) },
      streamDecoderOptions,
      pipeline: summaries,
      hashCpuMs: { wasm: hashWasm, js: hashJs },
      budgetMeasures: {
        kernels: activePdqKernels,
        hashWallMs: budgetHash,
        viewsWallMs: budgetViewsMs,
        viewsCpuMs,
        viewsCpuMsBySide: Object.fromEntries(viewsSides.map((side) => [side.name, side.cpuMs])),
        estimateCpuMsPerStreamSecond: Math.round(estimateCpu * 10) / 10,
      },
      decodeCostInHashesAssumed: decodeCostInHashes,
      decoderVariants: variants,
    });
  } finally {
    await services.close();
    await rm(directory, { recursive: true, force: true });
  }
}

/**
 * CPU milliseconds for one 720p hash on the given kernels (`hashPixels`: WASM here; `hashPixelsJs`),
 * the median of 7 after a warm-up, timed by `process.cpuUsage` while nothing else in this process
 * runs (the pool is closed): unlike `measureFrameCost`'s wall clock, barely inflated by the load.
 */
function hashCpuMs(hash: typeof hashPixels): number {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
  const pixels = { width, height, channels: 3 as const, data };
  hash(pixels);
  const times: number[] = [];
  for (let run = 0; run < 7; run++) {
    const started = processCpuMs();
    hash(pixels);
    times.push(processCpuMs() - started);
  }
  times.sort((a, b) => a - b);
  return times[3] ?? Number.NaN;
}

const ratio = (numerator: number, denominator: number) =>
  Number.isFinite(numerator) && Number.isFinite(denominator) && denominator > 0
    ? (numerator / denominator).toFixed(2)
    : 'n/a';
