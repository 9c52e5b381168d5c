/**
 * `npm run bench -- index-threads --vpdq [--size N] [--queries Q] [--workers W] [--rounds R]`:
 * a live stream's frame lookups in a dense video bank (`vpdq_dense`: every distinct frame of each
 * banked video), N frames in all (default 1,000,000) in videos of 1,000 frames, side by side in
 * one process, in alternating rounds:
 * - `heap frames, 1 thread`: `VpdqIndex.queryFrame` with its frames in a `MultiIndexPdqIndex` on
 *   the main thread: how every frame lookup ran before (the baseline);
 * - `shared frames, 1 thread`: the same with the frames in a `SharedGroupedPdqIndex`, on the main
 *   thread: what sharing costs one thread;
 * - `pool of W, batch 1` and `batch 8`: the same shared frames answered by a `PdqLookupPool` of W
 *   workers (`queryGroupedMany`), 2·W batches in flight; 8 per batch is a frame with its views and
 *   variants.
 * Queries are planted: a banked frame with 1..31 bits flipped, whose video must be found (recall
 * 1), as many random frames (a stream showing something else: nothing found), alternated. Every
 * side's answers are hashed in order and must be identical. Lookups/s are wall-clock; CPU ms per
 * lookup are `process.cpuUsage` (every thread), the figure to read on a shared machine.
 */
import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import { type IndexHit, PdqLookupPool, SharedGroupedPdqIndex, SharedPdqIndex } from '../../src/indexes/index.js';
import { parsePdqHash, type VpdqFeature, VpdqIndex, wordsToPdqHash } from '../../src/signals/index.js';
import { describeMachine } from './machine.js';
import { radius } from './planted-pdq.js';
import { finishBenchmark, printTable } from './report.js';
import { splitMix32 } from './split-mix32.js';

/** Frames per banked video (about 45 s of dense frames). */
const framesPerVideo = 1000;
/** Time budget of one side's round. */
const roundBudgetMs = 20_000;

interface Side {
  readonly name: string;
  lookups: number;
  found: number;
  wallMs: number;
  cpuMs: number;
  latencies: number[];
  readonly digest: ReturnType<typeof createHash>;
}

interface Query {
  readonly hash: string;
  /** The owner a planted query must find (0: a random frame). */
  readonly owner: number;
}

/** Flips `count` distinct random bits of 8 words. */
function flipBits(words: Uint32Array, count: number, random: () => number): Uint32Array {
  const copy = words.slice();
  const flipped = new Set<number>();
  while (flipped.size < count) flipped.add(random() % 256);
  for (const bit of flipped) copy[bit >>> 5] = ((copy[bit >>> 5] as number) ^ (1 << (bit & 31))) >>> 0;
  return copy;
}

/** Loads the same videos into both indexes; returns the queries (planted and random, alternated). */
function load(size: number, queries: number, indexes: readonly VpdqIndex[]): Query[] {
  const random = splitMix32(20261207);
  const videos = Math.ceil(size / framesPerVideo);
  const plantedPerVideo = Math.max(1, Math.ceil(queries / 2 / videos));
  const planted: Query[] = [];
  const words = new Uint32Array(8);
  for (let video = 0; video < videos; video++) {
    const owner = video + 1;
    const count = Math.min(framesPerVideo, size - video * framesPerVideo);
    const features: VpdqFeature[] = [];
    for (let frame = 0; frame < count; frame++) {
      for (let i = 0; i < 8; i++) words[i] = random();
      const hash = parsePdqHash(wordsToPdqHash(words));
      features.push({ frameNumber: frame, timestamp: frame / 30, quality: 100, hash });
      if (frame < plantedPerVideo && planted.length < queries / 2) {
        planted.push({ hash: wordsToPdqHash(flipBits(words, 1 + (random() % radius), random)), owner });
      }
    }
    for (const index of indexes) index.addFeatures(owner, features);
  }
  const mixed: Query[] = [];
  for (const query of planted) {
    mixed.push(query);
    for (let i = 0; i < 8; i++) words[i] = random();
    mixed.push({ hash: wordsToPdqHash(words), owner: 0 });
  }
  return mixed;
}

function newSide(name: string): Side {
  return { name, lookups: 0, found: 0, wallMs: 0, cpuMs: 0, latencies: [], digest: createHash('sha256') };
}

/** Counts a query's answer on a side (found: the planted owner, or nothing for a random frame). */
function record(side: Side, query: Query, hits: readonly IndexHit[]): void {
  side.lookups++;
  if (query.owner === 0 ? hits.length === 0 : hits.some((hit) => hit.owner === query.owner)) side.found++;
  side.digest.update(JSON.stringify(hits));
}

function roundOnThread(side: Side, index: VpdqIndex, queries: readonly Query[]): void {
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (const query of queries) {
    if (performance.now() - started > roundBudgetMs) break;
    const t = performance.now();
    const hits = index.queryFrame(query.hash, radius);
    side.latencies.push(performance.now() - t);
    record(side, query, hits);
  }
  side.wallMs += performance.now() - started;
  const used = process.cpuUsage(cpu);
  side.cpuMs += (used.user + used.system) / 1000;
}

async function roundOnPool(
  side: Side,
  pool: PdqLookupPool,
  name: string,
  queries: readonly Query[],
  batch: number,
  inFlight: number,
): Promise<void> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  let next = 0;
  // Answers are recorded in query order (the digest must equal the threads' whatever finishes first).
  const answers: (readonly IndexHit[] | undefined)[] = new Array(queries.length);
  const lane = async (): Promise<void> => {
    while (next < queries.length && performance.now() - started <= roundBudgetMs) {
      const from = next;
      const slice = queries.slice(from, from + batch);
      next += slice.length;
      const t = performance.now();
      const results = await pool.queryGroupedMany(
        name,
        slice.map((query) => query.hash),
        radius,
      );
      side.latencies.push(performance.now() - t);
      results.forEach((hits, i) => {
        answers[from + i] = hits;
      });
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  side.wallMs += performance.now() - started;
  const used = process.cpuUsage(cpu);
  side.cpuMs += (used.user + used.system) / 1000;
  queries.forEach((query, i) => {
    const hits = answers[i];
    if (hits !== undefined) record(side, query, hits);
  });
}

function percentile(sorted: number[], share: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))] ?? Number.NaN;
}

/** Runs the vPDQ frame-lookup comparison (see the file's comment). */
export async function runVpdqFrames(options: {
  readonly size: number;
  readonly queries: number;
  readonly workers: number;
  readonly rounds: number;
}): Promise<void> {
  const { size, queries, workers, rounds } = options;
  const machine = describeMachine();
  const loadBefore = loadavg()[0] ?? 0;
  console.log(
    `index-threads --vpdq: ${size.toLocaleString('en')} dense vPDQ frames in videos of ${framesPerVideo}, ` +
      `frame lookups at radius ${radius}; ${rounds} alternating rounds per side`,
  );
  console.log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}`);
  console.log(`load average before: ${loadBefore.toFixed(2)} (other processes share these cores)`);

  const heap = new VpdqIndex({}, 'vpdq_dense');
  const frames = new SharedGroupedPdqIndex({ autoRebuild: false });
  const shared = new VpdqIndex({}, 'vpdq_dense', frames);
  const started = performance.now();
  frames.reserve(size);
  const mixed = load(size, queries, [heap, shared]);
  heap.rebuild();
  shared.rebuild();
  console.log(`loaded both indexes in ${((performance.now() - started) / 1000).toFixed(1)} s; ${mixed.length} queries`);
  const pdq = new SharedPdqIndex({ autoRebuild: false });
  const pool = new PdqLookupPool(pdq, { workers, grouped: { vpdq_dense: frames } });
  // Warm-up (not timed): the JIT compiles the search loops on this thread and in every worker.
  const warm = mixed.slice(0, Math.min(300, mixed.length));
  for (const { hash } of warm) {
    heap.queryFrame(hash, radius);
    shared.queryFrame(hash, radius);
  }
  await Promise.all(warm.map(({ hash }) => pool.queryGroupedMany('vpdq_dense', [hash], radius)));

  const sides = {
    heap: newSide('heap frames, 1 thread (baseline)'),
    shared: newSide('shared frames, 1 thread'),
    pool: newSide(`shared frames, pool of ${workers}, batch 1`),
    pool8: newSide(`shared frames, pool of ${workers}, batch 8`),
  };
  const perRound = Math.ceil(mixed.length / rounds);
  for (let round = 0; round < rounds; round++) {
    const slice = mixed.slice(round * perRound, (round + 1) * perRound);
    roundOnThread(sides.heap, heap, slice);
    await roundOnPool(sides.pool, pool, 'vpdq_dense', slice, 1, 2 * workers);
    roundOnThread(sides.shared, shared, slice);
    await roundOnPool(sides.pool8, pool, 'vpdq_dense', slice, 8, 2 * workers);
  }
  await pool.close();
  frames.close();
  pdq.close();

  const summaries = Object.values(sides).map((side) => {
    const sorted = [...side.latencies].sort((a, b) => a - b);
    return {
      name: side.name,
      lookups: side.lookups,
      lookupsPerSecond: (side.lookups / side.wallMs) * 1000,
      lookupsPerCpuSecond: (side.lookups / side.cpuMs) * 1000,
      p50Ms: percentile(sorted, 0.5),
      p99Ms: percentile(sorted, 0.99),
      cpuMsPerLookup: side.cpuMs / side.lookups,
      recall: side.found / side.lookups,
      answers: side.digest.digest('hex').slice(0, 16),
    };
  });
  printTable(
    ['side', 'lookups', 'lookups/s', 'per CPU-s', 'p50 ms', 'p99 ms', 'CPU ms/lookup', 'right', 'answers'],
    summaries.map((s) => [
      s.name,
      s.lookups,
      Math.round(s.lookupsPerSecond),
      Math.round(s.lookupsPerCpuSecond),
      s.p50Ms.toFixed(3),
      s.p99Ms.toFixed(3),
      s.cpuMsPerLookup.toFixed(3),
      s.recall.toFixed(4),
      s.answers,
    ]),
  );
  const complete = summaries.every((s) => s.lookups === mixed.length);
  const same = new Set(summaries.map((s) => s.answers)).size === 1;
  if (complete && !same) throw new Error('the sides answered differently');
  if (summaries.some((s) => s.recall !== 1)) throw new Error('a side missed a planted frame or found a random one');
  const baseline = summaries[0];
  const ratios = Object.fromEntries(
    summaries.map((s) => [
      s.name,
      {
        lookupsPerSecond: Math.round((s.lookupsPerSecond / (baseline?.lookupsPerSecond ?? Number.NaN)) * 100) / 100,
        cpuPerLookup: Math.round((s.cpuMsPerLookup / (baseline?.cpuMsPerLookup ?? Number.NaN)) * 100) / 100,
      },
    ]),
  );
  console.log(`relative to the baseline: ${JSON.stringify(ratios)}`);
  console.log(complete ? `answers identical on every side: ${same}` : 'a round ran out of time: answers not compared');
  const loadAfter = loadavg()[0] ?? 0;
  console.log(`load average after: ${loadAfter.toFixed(2)}`);
  await finishBenchmark(size === 1_000_000 ? 'index-threads-vpdq' : `index-threads-vpdq-${size}`, {
    size,
    framesPerVideo,
    radius,
    workers,
    rounds,
    loadAverage: { before: loadBefore, after: loadAfter },
    sides: summaries.map((s) => ({
      ...s,
      lookupsPerSecond: Math.round(s.lookupsPerSecond),
      lookupsPerCpuSecond: Math.round(s.lookupsPerCpuSecond),
      p50Ms: Math.round(s.p50Ms * 1e4) / 1e4,
      p99Ms: Math.round(s.p99Ms * 1e4) / 1e4,
      cpuMsPerLookup: Math.round(s.cpuMsPerLookup * 1e4) / 1e4,
    })),
    answersIdentical: complete ? same : null,
    ratioToBaseline: ratios,
    note:
      'one process, sides in alternating rounds on the same frames and queries (half planted near-duplicates ' +
      'of banked frames, half random frames); CPU is process.cpuUsage of every thread',
  });
}
