/**
 * `npm run bench -- stream-cost [--rounds N] [--streams N] [--realtime] [--quick]`: what one 720p stream watched
 * at 1 fps costs in CPU, split by where it is spent, so that streams per core can be derived on a
 * shared machine where wall-clock capacity ("how many streams keep up") cannot be measured
 * honestly. Streams per core = 1000 / (CPU ms per stream-second).
 *
 * - **Decoding**: the ffmpeg child of each stream (every frame of the 720p25 H.264 clip is decoded,
 *   one a second is converted to RGB and piped): its CPU read from `/proc/self/stat`'s cutime and
 *   cstime once it is reaped (no other child runs meanwhile), per second of clip. With the decoder
 *   flags under test (`decoderVariants`), one stream at a time, each variant's sampled frames
 *   hashed (whole frame) and compared with the default's, bit for bit.
 * - **Prevail**: the whole stream path — `StreamWatcher` reading the pipe, the moving region and
 *   the frame's copy on the main thread, every default view hashed in a `FrameHashPool`, every
 *   view's lookups in a bank of 10,000 hashes — as this process's CPU (`process.cpuUsage`: the main
 *   thread and the pool's worker threads), per frame hashed; with the PDQ WebAssembly SIMD kernels
 *   (the default) and with the plain-JS kernels (the same pool, its workers started with
 *   `globalThis.WebAssembly` removed, so `hashPixels` falls back to the JS kernels; checked) side
 *   by side, interleaved in `rounds` rounds. The main thread's share is read from
 *   `/proc/self/task/<pid>/stat`.
 *
 * Not counted: the media server and the network (files are read, not RTMP), the signals engine's
 * rules on a match (none match here), the HTTP API. Files are read as fast as ffmpeg decodes them
 * (no `-re`): the same frames decoded, and a run takes seconds, not minutes; `--realtime` reads
 * them at their rate as a live stream arrives (`-re`, results in `stream-cost-realtime.json`),
 * which costs ffmpeg a few ms more per stream-second (its pacing).
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
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
} from '../src/streams/index.js';
import { readFrames } from '../src/video/index.js';
import { describeMachine } from './lib/machine.js';
import { openRandomBank } from './lib/random-bank.js';
import { finishBenchmark, printTable } from './lib/report.js';
import { clip720, make720Clip } from './lib/stream-clips.js';

const { width, height } = clip720;

/** Seconds of clip decoded per stream (shorter with `--quick`). */
let clipSeconds: number = clip720.seconds;
/** Read the clip at its frame rate (`-re`), as a live stream arrives. */
let realtime = false;

/** Ticks per second of `/proc` times (`getconf CLK_TCK`; 100 on Linux). */
const clockTicks = 100;

/** Decoder flags measured against ffmpeg's defaults (input options, before `-i`). */
const decoderVariants: readonly { readonly name: string; readonly inputOptions: readonly string[] }[] = [
  { name: 'default', inputOptions: [] },
  { name: '-threads 1', inputOptions: ['-threads', '1'] },
  { name: '-flags2 fast', inputOptions: ['-flags2', 'fast'] },
  { name: '-threads 1 -flags2 fast', inputOptions: ['-threads', '1', '-flags2', 'fast'] },
  { name: '-skip_loop_filter all', inputOptions: ['-skip_loop_filter', 'all'] },
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
}

/** Decodes the clip once with `inputOptions`, sampling 1 fps as a watcher does; ffmpeg's CPU per clip second. */
async function decodeOnce(clip: string, inputOptions: readonly string[]): Promise<DecodeRun> {
  const hashes: PdqHash[] = [];
  const before = procCpu();
  let hashMs = 0;
  for await (const frame of readFrames(clip, { fps: 1, lowLatency: true, inputOptions, realtime })) {
    const started = processCpuMs();
    hashes.push(hashVideoFrame(frame).hash);
    hashMs += processCpuMs() - started;
  }
  const after = procCpu();
  return {
    childMsPerStreamSecond: (after.children - before.children) / clipSeconds,
    selfMsPerStreamSecond: Math.max(0, after.self - before.self - hashMs) / clipSeconds,
    hashes,
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
  services: Services,
  clip: string,
  streams: number,
  workers: number,
  kernels: 'wasm' | 'js',
): Promise<PipelineRun> {
  const pool = new FrameHashPool({ workers, ...(kernels === 'js' ? { entry: jsKernelsEntry() } : {}) });
  try {
    // Warm the workers (start-up and the kernels' compilation are not a stream's cost).
    const warm = { index: 0, timestamp: 0, width, height, rgb: new Uint8Array(width * height * 3) };
    await Promise.all(Array.from({ length: workers }, (_, lane) => pool.hash(`warm-${lane}`, warm)));
    let frames = 0;
    let lookups = 0;
    const watchers = Array.from({ length: streams }, (_, index) => {
      const id = `cost-${kernels}-${index}`;
      const hasher = pool.hasherFor(id);
      const watcher = new StreamWatcher({
        id,
        source: { source: clip, kind: 'file', inputOptions: [] },
        matcher: services.matcher,
        readFrames,
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

const show = ({ median, min, max }: { median: number; min: number; max: number }) =>
  `${median.toFixed(1)} (${min.toFixed(1)}–${max.toFixed(1)})`;

function numberArg(args: string[], name: string, fallback: number): number {
  const index = args.indexOf(name);
  const value = index >= 0 ? Number(args[index + 1]) : fallback;
  return Number.isSafeInteger(value) && value > 0 ? value : fallback;
}

export async function run(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  realtime = args.includes('--realtime');
  const rounds = numberArg(args, '--rounds', quick ? 1 : 3);
  const streams = numberArg(args, '--streams', 2);
  const workers = Math.max(1, availableParallelism());
  const machine = describeMachine();
  const loadStart = loadavg().map((value) => Math.round(value * 100) / 100);
  console.log(`machine: ${JSON.stringify(machine)}; load average ${loadStart.join(' ')}`);
  const directory = await mkdtemp(join(tmpdir(), 'prevail-bench-stream-cost-'));
  const services = await openRandomBank(directory);
  try {
    clipSeconds = quick ? 12 : clip720.seconds;
    const clip = await make720Clip(directory, clipSeconds);
    const jsKernels = await kernelsInJsWorker();
    if (jsKernels !== 'js') throw new Error(`the JS side's workers run ${jsKernels} kernels, not js`);
    console.log(
      `clip: ${width}x${height} 25 fps H.264, keyframe every 2 s, ${clipSeconds} s; ${streams} streams at once, pool of ${workers} worker(s); bank 10,000 PDQ hashes; ${rounds} round(s); ${realtime ? "read at the clip's rate (-re)" : 'read as fast as ffmpeg decodes'}`,
    );
    const decode = new Map<string, DecodeRun[]>(decoderVariants.map(({ name }) => [name, []]));
    const pipeline = { wasm: [] as PipelineRun[], js: [] as PipelineRun[] };
    const hashUnit = { wasm: [] as number[], js: [] as number[] };
    /** What the stream manager's default budget measures (wall clock): one hash, and the default views. */
    const budgetUnit: number[] = [];
    const budgetViews: number[] = [];
    /** The same views, in CPU ms (a letterboxed frame: 6 views, more than the clip's 3–4). */
    const viewsCpu: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      for (const { name, inputOptions } of decoderVariants) {
        const result = await decodeOnce(clip, inputOptions);
        decode.get(name)?.push(result);
        console.log(`  round ${round}, decode ${name}: ffmpeg ${result.childMsPerStreamSecond.toFixed(1)} ms/stream-s`);
      }
      for (const kernels of round % 2 === 1 ? (['wasm', 'js'] as const) : (['js', 'wasm'] as const)) {
        const result = await pipelineOnce(services, clip, streams, workers, kernels);
        pipeline[kernels].push(result);
        console.log(
          `  round ${round}, pipeline ${kernels}: ${result.frames} frames, ${result.processMsPerFrame.toFixed(1)} ms/frame (main thread ${result.mainThreadMsPerFrame.toFixed(1)}), ffmpeg ${result.decodeMsPerStreamSecond.toFixed(1)} ms/stream-s`,
        );
      }
      hashUnit.wasm.push(hashCpuMs(hashPixels));
      hashUnit.js.push(hashCpuMs(hashPixelsJs));
      budgetUnit.push(measureFrameCost());
      const viewsStarted = processCpuMs();
      budgetViews.push(measureViewsCost(defaultFrameViews, width, height, 3).milliseconds);
      // measureViewsCost hashes the views 1 + 3 times.
      viewsCpu.push((processCpuMs() - viewsStarted) / 4);
    }

    const reference = decode.get('default')?.[0]?.hashes ?? [];
    const variants = decoderVariants.map(({ name }) => {
      const runs = decode.get(name) ?? [];
      const hashes = runs[0]?.hashes ?? [];
      const distances = hashes.map((hash, index) =>
        reference[index] === undefined ? 256 : pdqDistance(hash, reference[index] as PdqHash),
      );
      return {
        name,
        ffmpegMsPerStreamSecond: spread(runs.map((run) => run.childMsPerStreamSecond)),
        pipeReadMsPerStreamSecond: spread(runs.map((run) => run.selfMsPerStreamSecond)),
        framesSampled: hashes.length,
        framesIdenticalToDefault: distances.filter((distance) => distance === 0).length,
        maxHammingToDefault: distances.length === 0 ? null : Math.max(...distances),
      };
    });
    const sides = (['wasm', 'js'] as const).map((kernels) => {
      const runs = pipeline[kernels];
      const decodeMs = spread(runs.map((run) => run.decodeMsPerStreamSecond));
      const processMs = spread(runs.map((run) => run.processMsPerFrame));
      const total = spread(runs.map((run) => run.decodeMsPerStreamSecond + run.processMsPerFrame));
      return {
        kernels,
        framesPerRun: runs.map((run) => run.frames),
        lookupsPerFrame: Math.round((runs[0]?.lookups ?? 0) / Math.max(1, runs[0]?.frames ?? 1)),
        decodeMsPerStreamSecond: decodeMs,
        prevailMsPerFrame: processMs,
        mainThreadMsPerFrame: spread(runs.map((run) => run.mainThreadMsPerFrame)),
        totalMsPerStreamSecond: total,
        streamsPerCore: spread(runs.map((run) => 1000 / (run.decodeMsPerStreamSecond + run.processMsPerFrame))),
      };
    });
    const [wasm, js] = sides as [(typeof sides)[0], (typeof sides)[0]];
    const hashWasm = spread(hashUnit.wasm);
    const hashJs = spread(hashUnit.js);
    const decodeDefault = variants[0]?.ffmpegMsPerStreamSecond.median ?? Number.NaN;
    console.log('');
    printTable(
      ['CPU per 720p stream at 1 fps (median of rounds, min–max)', 'WASM kernels', 'JS kernels', 'JS / WASM (×)'],
      [
        [
          'decoding: ffmpeg ms per stream-second',
          show(wasm.decodeMsPerStreamSecond),
          show(js.decodeMsPerStreamSecond),
          '',
        ],
        [
          'Prevail: hashing every view + lookups + pipe, ms per frame',
          show(wasm.prevailMsPerFrame),
          show(js.prevailMsPerFrame),
          ratio(js.prevailMsPerFrame.median, wasm.prevailMsPerFrame.median),
        ],
        ['  of which main thread, ms per frame', show(wasm.mainThreadMsPerFrame), show(js.mainThreadMsPerFrame), ''],
        [
          'total ms per stream-second',
          show(wasm.totalMsPerStreamSecond),
          show(js.totalMsPerStreamSecond),
          ratio(js.totalMsPerStreamSecond.median, wasm.totalMsPerStreamSecond.median),
        ],
        [
          '720p streams per core at 1 fps (1000 / total)',
          show(wasm.streamsPerCore),
          show(js.streamsPerCore),
          ratio(wasm.streamsPerCore.median, js.streamsPerCore.median),
        ],
        [
          'one 720p hash, CPU ms (hashPixels; hashPixelsJs)',
          show(hashWasm),
          show(hashJs),
          ratio(hashJs.median, hashWasm.median),
        ],
        [
          'decoding a stream-second in hashes of that kernel',
          ratio(decodeDefault, hashWasm.median),
          ratio(decodeDefault, hashJs.median),
          `budget assumes ${decodeCostInHashes}`,
        ],
      ],
    );
    const budgetHash = spread(budgetUnit);
    const budgetViewsMs = spread(budgetViews);
    const viewsCpuMs = spread(viewsCpu);
    const estimateCpu = viewsCpuMs.median + decodeCostInHashes * hashWasm.median;
    console.log(
      `budget (${activePdqKernels} kernels, decoding = ${decodeCostInHashes} hashes): its measures at first use (wall clock) one hash ${show(budgetHash)} ms, the default views of a letterboxed frame ${show(budgetViewsMs)} ms; in CPU ms ${show(hashWasm)} and ${show(viewsCpuMs)}, so its per-stream-second estimate in CPU is ${estimateCpu.toFixed(1)} ms against ${wasm.totalMsPerStreamSecond.median.toFixed(1)} ms measured`,
    );
    console.log('');
    printTable(
      [
        'decoder flags (1 stream at a time)',
        'ffmpeg ms per stream-second',
        'vs default (×)',
        'sampled frames hashing as default',
      ],
      variants.map((variant) => [
        variant.name,
        show(variant.ffmpegMsPerStreamSecond),
        ratio(decodeDefault, variant.ffmpegMsPerStreamSecond.median),
        `${variant.framesIdenticalToDefault}/${variant.framesSampled} (max ${variant.maxHammingToDefault} bits)`,
      ]),
    );
    await finishBenchmark(realtime ? 'stream-cost-realtime' : 'stream-cost', {
      realtime,
      machine,
      loadAverage: { start: loadStart, end: loadavg().map((value) => Math.round(value * 100) / 100) },
      clip: { width, height, fps: 25, seconds: clipSeconds, gopSeconds: 2 },
      rounds,
      streamsAtOnce: streams,
      poolWorkers: workers,
      pipeline: sides,
      hashCpuMs: { wasm: hashWasm, js: hashJs },
      budgetMeasures: {
        kernels: activePdqKernels,
        hashWallMs: budgetHash,
        viewsWallMs: budgetViewsMs,
        viewsCpuMs,
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
