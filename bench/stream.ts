/**
 * `npm run bench -- stream [--quick]`: live-stream watching at 1 frame per second, side by side:
 * - Prevail: one long-running ffmpeg per stream piping sampled frames (`StreamWatcher` over
 *   `readFrames`), each frame hashed with PDQ and looked up in a bank of 10,000 hashes;
 * - baseline: one ffmpeg process per frame grab, every second (`ffmpeg -ss T -i FILE -frames:v 1`
 *   for files; `ffmpeg -i rtmp://… -frames:v 1` for a live RTMP stream, which cannot seek),
 *   then the same hashing and lookup.
 *
 * (a) Frame-to-match latency, p50/p99, one 720p stream: from the moment a frame goes out (clip
 *     time + the moment the file started being read with `-re`, or the RTMP publisher started)
 *     to the moment its lookup has finished. The frame's clip second is read from a white block
 *     the clip carries in its top band (its position is the second), so latency is measured on
 *     the very frame that was hashed.
 * (b) Concurrent 720p streams (files read with `-re`) one core sustains at 1 fps with no sampled
 *     frame dropped: the bench process and every ffmpeg are pinned to CPU 0 (`taskset`); the
 *     number of streams doubles (1, 2, 4, …, up to 32) until a frame of the measured window is
 *     missing or later than 3 s. The media server and publishers (the "network") are not pinned.
 * (c) Capacity with the frame hashing pool: the same ramp, refined between the last count that
 *     held and the first that did not (to within 2 streams), on 1 core (CPU 0) and on 2 cores
 *     (CPUs 0-1), each with hashing on the main thread and in a `FrameHashPool` of one worker per
 *     pinned core, in one run; and the hashing alone (no ffmpeg): 720p frames hashed per second
 *     on the main thread and by the pool, on 1 and 2 cores, for 4 s each. Run alone with
 *     `--capacity` (results in `stream-capacity.json`).
 *
 * Every run is bounded in time; all children are killed at the end. Total time about 16 minutes,
 * 10 of them for (c) (`--quick`: shorter windows, for a smoke run).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Services } from '../src/app/index.js';
import { FrameHashPool, hashVideoFrame, StreamWatcher } from '../src/streams/index.js';
import { ffmpegPath, readFrames, type VideoFrame } from '../src/video/index.js';
import { startMediaServer } from '../test/support/media-server.js';
import { startPublisher, stopProcess } from '../test/support/stream-clip.js';
import { describeMachine } from './lib/machine.js';
import { openRandomBank } from './lib/random-bank.js';
import { finishBenchmark, printTable } from './lib/report.js';
import { clip720, make720Clip } from './lib/stream-clips.js';

const { width, height, seconds: clipSeconds, gopSeconds } = clip720;
/** A sampled frame whose lookup finishes later than this after it went out counts as dropped. */
const deadlineMs = 3000;
const maxStreams = 32;
/** The capacity ramp (c) goes up to this many streams per pinned core. */
const maxStreamsPerCore = 24;

interface Window {
  /** Clip seconds measured: [from, to). */
  readonly from: number;
  readonly to: number;
}

/** Per-second results of one stream: clip second → latency (ms). */
type Results = Map<number, number>;

interface RunSummary {
  readonly expected: number;
  readonly onTime: number;
  readonly dropped: number;
  readonly latencies: number[];
  /** CPU time (this process and its ffmpeg children) per stream per second of stream, in ms. */
  readonly cpuMsPerStreamSecond: number;
  /**
   * CPU time of the main thread alone per frame hashed, in ms (Prevail runs only): what caps a
   * process whose every stream goes through that one thread, whatever the cores.
   */
  readonly mainThreadMsPerFrame?: number;
}

/** Ticks per second of `/proc/self/stat` times (`getconf CLK_TCK`; 100 on Linux). */
const clockTicks = 100;

/**
 * CPU time used so far by this process and its exited, reaped children (ffmpeg), in ms: utime,
 * stime, cutime and cstime of `/proc/self/stat`. Unlike wall-clock measures this is barely
 * affected by other work on the machine.
 */
function cpuMsWithChildren(): number {
  const fields = (readFileSync('/proc/self/stat', 'utf8').split(') ')[1] ?? '').split(' ');
  const ticks = [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index] ?? 0), 0);
  return (ticks * 1000) / clockTicks;
}

/** CPU time used so far by this process's main thread alone (`/proc/self/task/<pid>/stat`), in ms. */
function mainThreadCpuMs(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const fields = (stat.split(') ')[1] ?? '').split(' ');
  return ((Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) * 1000) / clockTicks;
}

/** The clip second a frame shows: the index of the white block in its top band, or -1. */
function clipSecond(rgb: Uint8Array, frameWidth: number): number {
  for (let block = 0; block < 40; block++) {
    const offset = (16 * frameWidth + block * 32 + 16) * 3;
    if ((rgb[offset] ?? 0) > 200 && (rgb[offset + 1] ?? 0) > 200 && (rgb[offset + 2] ?? 0) > 200) return block;
  }
  return -1;
}

function summarize(streams: readonly Results[], window: Window, cpuMs: number, streamSeconds: number): RunSummary {
  const latencies: number[] = [];
  let onTime = 0;
  for (const results of streams) {
    for (let second = window.from; second < window.to; second++) {
      const latency = results.get(second);
      if (latency === undefined) continue;
      latencies.push(latency);
      if (latency <= deadlineMs) onTime += 1;
    }
  }
  const expected = streams.length * (window.to - window.from);
  return { expected, onTime, dropped: expected - onTime, latencies, cpuMsPerStreamSecond: cpuMs / streamSeconds };
}

/** Prevail: one watcher (one ffmpeg) per source; waits until the window plus the deadline has passed. */
async function runPrevail(
  services: Services,
  sources: readonly { source: string; kind: 'file' | 'live'; startedAt: () => number }[],
  window: Window,
  pool?: FrameHashPool,
): Promise<RunSummary> {
  const all: Results[] = [];
  let framesHashed = 0;
  const watchers = sources.map(({ source, kind, startedAt }, index) => {
    const results: Results = new Map();
    all.push(results);
    let second = -1;
    const watcher = new StreamWatcher({
      id: `bench-${index}`,
      source: { source, kind, inputOptions: [] },
      matcher: services.matcher,
      readFrames,
      realtime: kind === 'file',
      hashFrame: (frame: VideoFrame) => {
        second = clipSecond(frame.rgb, frame.width);
        return pool === undefined ? hashVideoFrame(frame) : pool.hash(`bench-${index}`, frame);
      },
      reconnect: { maxReconnects: 0 },
    });
    watcher.subscribe((event) => {
      if (event.type === 'frame') framesHashed += 1;
      if (event.type === 'frame' && second >= 0 && !results.has(second))
        results.set(second, Date.now() - (startedAt() + second * 1000));
    });
    return watcher;
  });
  const cpuBefore = cpuMsWithChildren();
  const mainBefore = mainThreadCpuMs();
  const began = Date.now();
  for (const watcher of watchers) watcher.start();
  const startedAt = Math.min(...sources.map((source) => source.startedAt()));
  await sleep(Math.max(0, startedAt + window.to * 1000 + deadlineMs - Date.now()));
  await Promise.all(watchers.map((watcher) => watcher.stop()));
  const streamSeconds = (sources.length * (Date.now() - began)) / 1000;
  const mainThreadMsPerFrame = (mainThreadCpuMs() - mainBefore) / Math.max(1, framesHashed);
  return { ...summarize(all, window, cpuMsWithChildren() - cpuBefore, streamSeconds), mainThreadMsPerFrame };
}

/** Grabs one frame with its own ffmpeg; resolves with the RGB bytes, or undefined on failure or timeout. */
function grabFrame(args: readonly string[], timeoutMs: number): Promise<Uint8Array | undefined> {
  return new Promise((resolve) => {
    const child = spawn(ffmpegPath(), ['-nostdin', '-loglevel', 'error', ...args], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('close', () => {
      clearTimeout(timer);
      const bytes = Buffer.concat(chunks);
      resolve(bytes.length >= width * height * 3 ? bytes.subarray(0, width * height * 3) : undefined);
    });
    child.on('error', () => resolve(undefined));
  });
}

/** Baseline: per stream, one ffmpeg grab every second from `startedAt`, then hash and look up. */
async function runBaseline(
  services: Services,
  streams: number,
  grabArgs: (second: number) => readonly string[],
  startedAt: number,
  window: Window,
): Promise<RunSummary> {
  const all: Results[] = Array.from({ length: streams }, () => new Map());
  const grabs: Promise<void>[] = [];
  const cpuBefore = cpuMsWithChildren();
  for (let second = 0; second < window.to; second++) {
    await sleep(Math.max(0, startedAt + second * 1000 - Date.now()));
    for (const results of all) {
      grabs.push(
        grabFrame(grabArgs(second), deadlineMs + 5000).then(async (rgb) => {
          if (rgb === undefined) return;
          const frame = { index: 0, timestamp: second, width, height, rgb };
          const shown = clipSecond(rgb, width);
          const { hash, quality } = hashVideoFrame(frame);
          await services.matcher.match({ signals: { pdq: hash }, pdqQuality: quality });
          if (shown >= 0 && !results.has(shown)) results.set(shown, Date.now() - (startedAt + shown * 1000));
        }),
      );
    }
  }
  await Promise.all(grabs);
  // The grabs cover seconds 0 .. window.to: that many seconds of stream per stream.
  return summarize(all, window, cpuMsWithChildren() - cpuBefore, streams * window.to);
}

/**
 * Runs ffmpeg and this process (every thread, and the worker threads started later, which inherit
 * it) on the CPUs `cpus` only (`0`, `0-1`; ffmpeg through a `PREVAIL_FFMPEG` wrapper); returns the
 * undo.
 */
async function pinToCores(directory: string, cpus = '0'): Promise<(() => void) | undefined> {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cpus, String(process.pid)], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  const wrapper = join(directory, `ffmpeg-on-cpu${cpus}.sh`);
  const real = ffmpegPath();
  await writeFile(wrapper, `#!/bin/sh\nexec taskset -c ${cpus} ${real} "$@"\n`);
  await chmod(wrapper, 0o755);
  const previous = process.env.PREVAIL_FFMPEG;
  process.env.PREVAIL_FFMPEG = wrapper;
  return () => {
    if (previous === undefined) delete process.env.PREVAIL_FFMPEG;
    else process.env.PREVAIL_FFMPEG = previous;
    execFileSync('taskset', ['-a', '-p', '-c', `0-${availableParallelism() - 1}`, String(process.pid)], {
      stdio: 'ignore',
    });
  };
}

/**
 * The largest stream count in 1, 2, 4, … (up to `limit`) whose run drops nothing, and every step's
 * summary; with `refine`, then halves the gap between the last count that held and the first that
 * did not until it is at most 2 streams.
 */
async function ramp(
  run: (streams: number) => Promise<RunSummary>,
  { limit = maxStreams, refine = false }: { limit?: number; refine?: boolean } = {},
): Promise<{ sustained: number; steps: { streams: number; summary: RunSummary }[] }> {
  const steps: { streams: number; summary: RunSummary }[] = [];
  const step = async (streams: number): Promise<boolean> => {
    const summary = await run(streams);
    steps.push({ streams, summary });
    console.log(
      `  ${streams} stream(s): ${summary.onTime}/${summary.expected} frames on time, p99 ${fmt(percentile(summary.latencies, 0.99))} ms, CPU ${fmt(summary.cpuMsPerStreamSecond)} ms per stream-second${summary.mainThreadMsPerFrame === undefined ? '' : `, main thread ${summary.mainThreadMsPerFrame.toFixed(2)} ms per frame`}`,
    );
    return summary.dropped === 0;
  };
  let sustained = 0;
  let failed: number | undefined;
  for (let streams = 1; streams <= limit; streams = Math.min(streams * 2, streams === limit ? limit + 1 : limit)) {
    if (!(await step(streams))) {
      failed = streams;
      break;
    }
    sustained = streams;
  }
  while (refine && failed !== undefined && failed - sustained > 2) {
    const middle = Math.floor((sustained + failed) / 2);
    if (await step(middle)) sustained = middle;
    else failed = middle;
  }
  return { sustained, steps };
}

/** One capacity configuration of (c): the pinned CPUs, and where frames are hashed. */
interface CapacityResult {
  readonly cpus: string;
  readonly cores: number;
  readonly hashing: 'main thread' | 'pool';
  readonly result: Awaited<ReturnType<typeof ramp>>;
}

/**
 * (c) Streams sustained on 1 core and on 2 cores, hashing on the main thread and in a frame pool of
 * one worker per pinned core, side by side.
 */
async function capacity(services: Services, directory: string, clip: string, window: Window) {
  const results: CapacityResult[] = [];
  const configurations = availableParallelism() >= 2 ? ['0', '0-1'] : ['0'];
  for (const cpus of configurations) {
    const cores = cpus === '0' ? 1 : 2;
    const unpin = await pinToCores(directory, cpus);
    if (unpin === undefined) console.log('  taskset is not available: running on every core');
    try {
      for (const hashing of ['main thread', 'pool'] as const) {
        console.log(` ${cores} core(s), hashing on the ${hashing}:`);
        // A new pool per configuration: its workers start pinned like the process that starts them.
        const pool = hashing === 'pool' ? new FrameHashPool({ workers: cores }) : undefined;
        try {
          const result = await ramp(
            (streams) => {
              const startedAt = Date.now();
              return runPrevail(
                services,
                Array.from({ length: streams }, () => ({
                  source: clip,
                  kind: 'file' as const,
                  startedAt: () => startedAt,
                })),
                window,
                pool,
              );
            },
            { limit: maxStreamsPerCore * cores, refine: true },
          );
          results.push({ cpus, cores, hashing, result });
        } finally {
          await pool?.close();
        }
      }
    } finally {
      unpin?.();
    }
  }
  return results;
}

/** 720p frames hashed per second (4 s each) on the main thread and by a pool of one worker per core. */
async function hashingThroughput(directory: string) {
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 2654435761) >>> 24;
  const frame: VideoFrame = { index: 0, timestamp: 0, width, height, rgb };
  const seconds = 4;
  const results: { cores: number; mainThread: number; pool: number }[] = [];
  for (const cpus of availableParallelism() >= 2 ? ['0', '0-1'] : ['0']) {
    const cores = cpus === '0' ? 1 : 2;
    const unpin = await pinToCores(directory, cpus);
    try {
      let hashed = 0;
      const until = Date.now() + seconds * 1000;
      while (Date.now() < until) {
        hashVideoFrame(frame);
        hashed += 1;
      }
      const mainThread = hashed / seconds;
      const pool = new FrameHashPool({ workers: cores });
      try {
        await Promise.all(Array.from({ length: cores }, (_, lane) => pool.hash(`warm-${lane}`, frame)));
        const before = pool.stats().hashed;
        const end = Date.now() + seconds * 1000;
        // Twice as many streams as workers, each submitting its next frame once its last is hashed.
        await Promise.all(
          Array.from({ length: 2 * cores }, async (_, lane) => {
            while (Date.now() < end) await pool.hash(`lane-${lane}`, frame);
          }),
        );
        results.push({ cores, mainThread, pool: (pool.stats().hashed - before) / seconds });
      } finally {
        await pool.close();
      }
    } finally {
      unpin?.();
    }
    const last = results.at(-1);
    console.log(
      `  ${cores} core(s): ${fmt(last?.mainThread ?? Number.NaN)} frames/s on the main thread, ${fmt(last?.pool ?? Number.NaN)} in the pool`,
    );
  }
  return results;
}

function throughputRows(
  results: readonly { cores: number; mainThread: number; pool: number }[],
): (string | number)[][] {
  return results.map(({ cores, mainThread, pool }) => [
    `720p frames hashed per second, hashing alone, ${cores} core(s)`,
    fmt(mainThread),
    fmt(pool),
    ratio(pool, mainThread),
  ]);
}

function capacityRows(results: readonly CapacityResult[]): (string | number)[][] {
  return [1, 2].flatMap((cores) => {
    const main = results.find((entry) => entry.cores === cores && entry.hashing === 'main thread');
    const pool = results.find((entry) => entry.cores === cores && entry.hashing === 'pool');
    if (main === undefined || pool === undefined) return [];
    return [
      [
        `720p streams sustained on ${cores} core(s), none dropped`,
        main.result.sustained,
        pool.result.sustained,
        ratio(pool.result.sustained, main.result.sustained),
      ],
      [
        `CPU ms per stream-second (1 stream, ${cores} core(s))`,
        fmt(cpuOfOne(main.result)),
        fmt(cpuOfOne(pool.result)),
        ratio(cpuOfOne(main.result), cpuOfOne(pool.result)),
      ],
      [
        `main-thread CPU ms per frame (median of the steps, ${cores} core(s))`,
        mainThreadOf(main.result).toFixed(2),
        mainThreadOf(pool.result).toFixed(2),
        ratio(mainThreadOf(main.result), mainThreadOf(pool.result)),
      ],
      [
        `streams at 1 fps the main thread caps a process at (1000 / that, ${cores} core(s))`,
        fmt(1000 / mainThreadOf(main.result)),
        fmt(1000 / mainThreadOf(pool.result)),
        ratio(mainThreadOf(main.result), mainThreadOf(pool.result)),
      ],
    ];
  });
}

function capacitySummary(results: readonly CapacityResult[]) {
  return results.map(({ cpus, cores, hashing, result }) => ({
    cpus,
    cores,
    hashing,
    mainThreadMsPerFrame: Math.round(mainThreadOf(result) * 100) / 100,
    ...rampSummary(result),
  }));
}

/** The median over a ramp's steps of the main thread's CPU per hashed frame. */
function mainThreadOf(result: Awaited<ReturnType<typeof ramp>>): number {
  const values = result.steps.flatMap(({ summary }) =>
    summary.mainThreadMsPerFrame === undefined ? [] : [summary.mainThreadMsPerFrame],
  );
  return percentile(values, 0.5);
}

export async function run(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const capacityOnly = args.includes('--capacity');
  const latencyWindow: Window = quick ? { from: 3, to: 13 } : { from: 3, to: 33 };
  const liveWindow: Window = quick ? { from: 10, to: 20 } : { from: 10, to: 36 };
  const rampWindow: Window = quick ? { from: 3, to: 8 } : { from: 3, to: 15 };
  const machine = describeMachine();
  const loadStart = loadavg().map((value) => Math.round(value * 100) / 100);
  console.log(`machine: ${JSON.stringify(machine)}; load average ${loadStart.join(' ')}`);
  const directory = await mkdtemp(join(tmpdir(), 'prevail-bench-stream-'));
  const children: ChildProcess[] = [];
  const media = await startMediaServer();
  const services = await openRandomBank(directory);
  try {
    const clip = await make720Clip(directory);
    console.log(
      `clip: ${width}x${height} 25 fps H.264, keyframe every ${gopSeconds} s, ${clipSeconds} s; bank: 10,000 PDQ hashes`,
    );
    if (capacityOnly) {
      console.log('(c) capacity: 720p streams at 1 fps, hashing on the main thread and in the frame pool');
      const results = await capacity(services, directory, clip, rampWindow);
      console.log(' hashing alone:');
      const throughput = await hashingThroughput(directory);
      console.log('');
      printTable(
        ['measure', 'main thread', 'frame pool', 'pool advantage (×)'],
        [...capacityRows(results), ...throughputRows(throughput)],
      );
      await finishBenchmark('stream-capacity', {
        clip: { width, height, fps: 25, seconds: clipSeconds, gopSeconds },
        loadAverage: { start: loadStart, end: loadavg().map((value) => Math.round(value * 100) / 100) },
        deadlineMs,
        capacity: capacitySummary(results),
        hashingThroughput: throughput,
      });
      return;
    }

    console.log('(a) latency, one stream at 1 fps');
    let fileStart = Date.now();
    const prevailFile = await runPrevail(
      services,
      [{ source: clip, kind: 'file', startedAt: () => fileStart }],
      latencyWindow,
    );
    fileStart = Date.now();
    const baselineFile = await runBaseline(
      services,
      1,
      (second) => [
        '-ss',
        String(second),
        '-i',
        clip,
        '-frames:v',
        '1',
        '-f',
        'rawvideo',
        '-pix_fmt',
        'rgb24',
        'pipe:1',
      ],
      fileStart,
      latencyWindow,
    );
    const live = async (name: string, work: (url: string, publishedAt: number) => Promise<RunSummary>) => {
      const url = `${media.rtmpUrl}/live/${name}`;
      const publisher = startPublisher(['-re', '-i', clip, '-c', 'copy', '-f', 'flv', url]);
      children.push(publisher.child);
      try {
        return await work(url, await publisher.publishing);
      } finally {
        await stopProcess(publisher.child);
      }
    };
    const prevailLive = await live('prevail', (url, publishedAt) =>
      runPrevail(services, [{ source: url, kind: 'live', startedAt: () => publishedAt }], liveWindow),
    );
    const baselineLive = await live('baseline', (url, publishedAt) =>
      runBaseline(
        services,
        1,
        () => [
          '-fflags',
          'nobuffer',
          '-probesize',
          '32',
          '-analyzeduration',
          '0',
          '-i',
          url,
          '-frames:v',
          '1',
          '-f',
          'rawvideo',
          '-pix_fmt',
          'rgb24',
          'pipe:1',
        ],
        publishedAt,
        liveWindow,
      ),
    );

    console.log('(b) concurrent 720p streams on one core at 1 fps, no sampled frame dropped (deadline 3 s)');
    const unpin = await pinToCores(directory);
    if (unpin === undefined) console.log('  taskset is not available: running on every core');
    let prevailRamp: Awaited<ReturnType<typeof ramp>>;
    let baselineRamp: Awaited<ReturnType<typeof ramp>>;
    try {
      console.log(' Prevail (one ffmpeg per stream):');
      prevailRamp = await ramp((streams) => {
        const startedAt = Date.now();
        return runPrevail(
          services,
          Array.from({ length: streams }, () => ({ source: clip, kind: 'file' as const, startedAt: () => startedAt })),
          rampWindow,
        );
      });
      console.log(' baseline (one ffmpeg per frame grab):');
      baselineRamp = await ramp((streams) =>
        runBaseline(
          services,
          streams,
          (second) => [
            '-ss',
            String(second),
            '-i',
            clip,
            '-frames:v',
            '1',
            '-f',
            'rawvideo',
            '-pix_fmt',
            'rgb24',
            'pipe:1',
          ],
          Date.now(),
          rampWindow,
        ),
      );
    } finally {
      unpin?.();
    }
    console.log('(c) capacity: 720p streams at 1 fps, hashing on the main thread and in the frame pool');
    const capacityResults = await capacity(services, directory, clip, rampWindow);
    console.log(' hashing alone:');
    const throughput = await hashingThroughput(directory);

    const rows: (string | number)[][] = [
      [
        'latency, file (-re), p50 ms',
        fmt(p50(prevailFile)),
        fmt(p50(baselineFile)),
        ratio(p50(baselineFile), p50(prevailFile)),
      ],
      [
        'latency, file (-re), p99 ms',
        fmt(p99(prevailFile)),
        fmt(p99(baselineFile)),
        ratio(p99(baselineFile), p99(prevailFile)),
      ],
      [
        'latency, RTMP live, p50 ms',
        fmt(p50(prevailLive)),
        fmt(p50(baselineLive)),
        ratio(p50(baselineLive), p50(prevailLive)),
      ],
      [
        'latency, RTMP live, p99 ms',
        fmt(p99(prevailLive)),
        fmt(p99(baselineLive)),
        ratio(p99(baselineLive), p99(prevailLive)),
      ],
      [
        'frames on time (a), file',
        `${prevailFile.onTime}/${prevailFile.expected}`,
        `${baselineFile.onTime}/${baselineFile.expected}`,
        '',
      ],
      [
        'frames on time (a), RTMP',
        `${prevailLive.onTime}/${prevailLive.expected}`,
        `${baselineLive.onTime}/${baselineLive.expected}`,
        '',
      ],
      [
        'CPU ms per stream-second (1 stream, 1 core)',
        fmt(cpuOfOne(prevailRamp)),
        fmt(cpuOfOne(baselineRamp)),
        ratio(cpuOfOne(baselineRamp), cpuOfOne(prevailRamp)),
      ],
      [
        '720p streams one core can afford (1000 / CPU)',
        fmt(1000 / cpuOfOne(prevailRamp)),
        fmt(1000 / cpuOfOne(baselineRamp)),
        ratio(cpuOfOne(baselineRamp), cpuOfOne(prevailRamp)),
      ],
      [
        '720p streams sustained on one core, none dropped',
        prevailRamp.sustained,
        baselineRamp.sustained,
        ratio(prevailRamp.sustained, baselineRamp.sustained),
      ],
    ];
    console.log('');
    printTable(['measure', 'Prevail', 'baseline', 'Prevail advantage (×)'], rows);
    console.log('');
    printTable(
      ['measure', 'main thread', 'frame pool', 'pool advantage (×)'],
      [...capacityRows(capacityResults), ...throughputRows(throughput)],
    );
    await finishBenchmark('stream', {
      clip: { width, height, fps: 25, seconds: clipSeconds, gopSeconds },
      loadAverage: { start: loadStart, end: loadavg().map((value) => Math.round(value * 100) / 100) },
      deadlineMs,
      pinnedToOneCore: unpin !== undefined,
      latency: {
        fileRe: { prevail: latencySummary(prevailFile), baseline: latencySummary(baselineFile) },
        rtmp: { prevail: latencySummary(prevailLive), baseline: latencySummary(baselineLive) },
      },
      concurrency: {
        prevail: rampSummary(prevailRamp),
        baseline: rampSummary(baselineRamp),
        sustainedRatio: prevailRamp.sustained / Math.max(1, baselineRamp.sustained),
        cpuRatio: cpuOfOne(baselineRamp) / cpuOfOne(prevailRamp),
      },
      capacity: capacitySummary(capacityResults),
      hashingThroughput: throughput,
    });
  } finally {
    for (const child of children) await stopProcess(child);
    await services.close();
    await media.close();
    await rm(directory, { recursive: true, force: true });
  }
}

function latencySummary(summary: RunSummary) {
  return {
    p50Ms: round(p50(summary)),
    p99Ms: round(p99(summary)),
    onTime: summary.onTime,
    expected: summary.expected,
  };
}

/** CPU per stream-second of the one-stream step of a ramp. */
function cpuOfOne(result: Awaited<ReturnType<typeof ramp>>): number {
  return result.steps[0]?.summary.cpuMsPerStreamSecond ?? Number.NaN;
}

function rampSummary(result: Awaited<ReturnType<typeof ramp>>) {
  return {
    sustainedStreams: result.sustained,
    steps: result.steps.map(({ streams, summary }) => ({
      streams,
      onTime: summary.onTime,
      expected: summary.expected,
      p50Ms: round(p50(summary)),
      p99Ms: round(p99(summary)),
      cpuMsPerStreamSecond: round(summary.cpuMsPerStreamSecond),
    })),
  };
}

function percentile(values: readonly number[], fraction: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] as number;
}

const p50 = (summary: RunSummary) => percentile(summary.latencies, 0.5);
const p99 = (summary: RunSummary) => percentile(summary.latencies, 0.99);
const round = (value: number) => (Number.isFinite(value) ? Math.round(value) : null);
const fmt = (value: number) => (Number.isFinite(value) ? String(Math.round(value)) : 'n/a');
const ratio = (numerator: number, denominator: number) =>
  Number.isFinite(numerator) && Number.isFinite(denominator) && denominator > 0
    ? (numerator / denominator).toFixed(2)
    : 'n/a';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
