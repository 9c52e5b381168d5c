/**
 * `npm run bench -- index-threads [--size N] [--queries Q] [--workers W] [--batch B] [--rounds R]
 * [--before DIR [--huge-pages]]`:
 * PDQ lookups at radius 31 over N uniformly random hashes (default 1,000,000), answered side by
 * side in one process, in alternating rounds so that the machine's load falls on every side alike:
 * - `multi-index, 1 thread`: `MultiIndexPdqIndex` (heap arrays), on the main thread: the baseline;
 * - `shared, 1 thread`: `SharedPdqIndex` (the same structure on SharedArrayBuffers) queried on the
 *   main thread: what sharing costs one thread;
 * - `shared, pool of W`: the same `SharedPdqIndex` answered by a `PdqLookupPool` of W worker
 *   threads (default: the machine's parallelism), 2·W batches in flight, B lookups per batch
 *   (default 1: one lookup per message, the worst case for the pool's overhead), and with
 *   8 lookups per batch (an upload's dihedral variants go together); and B per batch with W in
 *   flight (one per worker: no lookup waits behind another, so its latency is the search and the
 *   round trip alone, where 2·W in flight adds the queueing that keeps every worker busy).
 * Queries are planted near-duplicates (1..31 bits flipped from a stored hash); recall must be 1.
 * Latencies are per request (per batch for the pool, from `queryMany` to its answer), lookups/s
 * are wall-clock over the timed loop; CPU-ms per lookup are `process.cpuUsage` (every thread).
 * Every loop is bounded in count and time.
 *
 * With `--baseline-code DIR`: one more side, `MultiIndexPdqIndex` of the commit built in the worktree
 * DIR (`npx tsc -p tsconfig.bench.json` there) on the main thread, loaded with the same hashes and
 * timed in the same alternating rounds: what the machine answered on one thread before the index
 * was shared (issue 16 measured "2,359 lookups/s on one core" at fd09e12), beside the pool today.
 * Ratios are still to this build's one thread; the JSON adds the pool's ratio to that side.
 *
 * With `--rebuild`: what a rebuild costs the lookups, on the main thread vs in the builder thread
 * (see `lib/index-rebuild.ts`; `--churn C`, default 1% of N).
 *
 * With `--before DIR`: the CPU per lookup on one thread, this code against the commit built in the
 * worktree DIR, side by side in one process, answers checked identical; `--huge-pages` adds a run
 * with glibc's transparent huge pages (see `lib/index-cpu.ts`; `--rounds` default 10 there).
 *
 * With `--vpdq`: a live stream's frame lookups in a dense vPDQ bank of N frames, on the main
 * thread (heap and shared frames) against the pool, side by side (see `lib/vpdq-frame-lookups.ts`).
 */
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MultiIndexPdqIndex, PdqLookupPool, SharedPdqIndex } from '../src/indexes/index.js';
import { runCpu, runCpuChild } from './lib/index-cpu.js';
import { runRebuild } from './lib/index-rebuild.js';
import { describeMachine } from './lib/machine.js';
import { type LoadableIndex, loadPlanted, type Planted, radius } from './lib/planted-pdq.js';
import { finishBenchmark, printTable } from './lib/report.js';
import { commitOf } from './lib/side-runs.js';
import { runVpdqFrames } from './lib/vpdq-frame-lookups.js';

/** Time budget of one side's round. */
const roundBudgetMs = 20_000;

interface Side {
  readonly name: string;
  latencies: number[];
  lookups: number;
  found: number;
  wallMs: number;
  cpuMs: number;
}

function positiveInteger(text: string, name: string): number {
  const value = Number(text.replaceAll('_', ''));
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${text}`);
  return value;
}

function percentile(sorted: number[], share: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))] ?? Number.NaN;
}

/** Loads `size` random hashes into both indexes (the same hashes) and plants `queries` neighbours, timed. */
function load(
  size: number,
  queries: number,
  multi: MultiIndexPdqIndex,
  shared: SharedPdqIndex,
  baseline: (LoadableIndex & ThreadIndex) | undefined,
): { planted: Planted[]; loadMs: number } {
  const started = performance.now();
  const planted = loadPlanted(size, queries, baseline === undefined ? [multi, shared] : [multi, shared, baseline]);
  return { planted, loadMs: performance.now() - started };
}

/** What a side on this thread queries: this build's indexes, or another commit's `MultiIndexPdqIndex`. */
interface ThreadIndex {
  query(value: string, maxDistance: number): readonly { owner: number }[];
}

/** `--baseline-code DIR`: the `MultiIndexPdqIndex` of the commit built in the worktree DIR, and that commit. */
async function loadBaselineCode(directory: string): Promise<{ index: LoadableIndex & ThreadIndex; commit: string }> {
  const door = join(resolve(directory), 'build', 'bench', 'src', 'indexes', 'index.js');
  if (!existsSync(door))
    throw new Error(`${door} is missing: run \`npx tsc -p tsconfig.bench.json\` in ${directory} first`);
  const module = (await import(door)) as { MultiIndexPdqIndex: new () => LoadableIndex & ThreadIndex };
  return { index: new module.MultiIndexPdqIndex(), commit: await commitOf(directory) };
}

/** One round of one thread: `planted[from..to)` looked up one by one on this thread. */
function roundOnThread(side: Side, index: ThreadIndex, planted: readonly Planted[]): void {
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (const { query, owner } of planted) {
    if (performance.now() - started > roundBudgetMs) break;
    const t = performance.now();
    const hits = index.query(query, radius);
    side.latencies.push(performance.now() - t);
    side.lookups++;
    if (hits.some((hit) => hit.owner === owner)) side.found++;
  }
  side.wallMs += performance.now() - started;
  const used = process.cpuUsage(cpu);
  side.cpuMs += (used.user + used.system) / 1000;
}

/** One round of the pool: batches of `batch` lookups, `inFlight` batches outstanding. */
async function roundOnPool(
  side: Side,
  pool: PdqLookupPool,
  planted: readonly Planted[],
  batch: number,
  inFlight: number,
): Promise<void> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < planted.length && performance.now() - started <= roundBudgetMs) {
      const slice = planted.slice(next, next + batch);
      next += slice.length;
      const t = performance.now();
      const results = await pool.queryMany(
        slice.map((item) => item.query),
        radius,
      );
      side.latencies.push(performance.now() - t);
      side.lookups += slice.length;
      slice.forEach((item, i) => {
        if (results[i]?.some((hit) => hit.owner === item.owner)) side.found++;
      });
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  side.wallMs += performance.now() - started;
  const used = process.cpuUsage(cpu);
  side.cpuMs += (used.user + used.system) / 1000;
}

function side(name: string): Side {
  return { name, latencies: [], lookups: 0, found: 0, wallMs: 0, cpuMs: 0 };
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      size: { type: 'string', default: '1000000' },
      queries: { type: 'string', default: '6000' },
      workers: { type: 'string', default: String(availableParallelism()) },
      batch: { type: 'string', default: '1' },
      rounds: { type: 'string' },
      rebuild: { type: 'boolean', default: false },
      vpdq: { type: 'boolean', default: false },
      churn: { type: 'string' },
      before: { type: 'string' },
      'baseline-code': { type: 'string' },
      'huge-pages': { type: 'boolean', default: false },
      'cpu-child': { type: 'boolean', default: false },
      'before-first': { type: 'boolean', default: false },
    },
  });
  const size = positiveInteger(values.size, '--size');
  const queries = positiveInteger(values.queries, '--queries');
  const workers = positiveInteger(values.workers, '--workers');
  const batch = positiveInteger(values.batch, '--batch');
  const rounds = positiveInteger(values.rounds ?? (values.before === undefined ? '3' : '10'), '--rounds');
  if (values.before !== undefined) {
    const options = {
      size,
      queries,
      rounds,
      beforeDirectory: values.before,
      hugePages: values['huge-pages'],
      beforeFirst: values['before-first'],
    };
    await (values['cpu-child'] ? runCpuChild(options) : runCpu(options));
    return;
  }
  if (values.vpdq) {
    await runVpdqFrames({ size, queries, workers, rounds });
    return;
  }
  if (values.rebuild) {
    const churn = positiveInteger(values.churn ?? String(Math.max(1, Math.floor(size / 100))), '--churn');
    await runRebuild({ size, workers, rounds, churn });
    return;
  }
  const machine = describeMachine();
  const loadBefore = loadavg()[0] ?? 0;
  console.log(
    `index-threads: ${size.toLocaleString('en')} uniformly random hashes, planted near-duplicates, radius ${radius}; ` +
      `${rounds} alternating rounds per side`,
  );
  console.log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}`);
  console.log(`load average before: ${loadBefore.toFixed(2)} (other processes share these cores)`);

  const multi = new MultiIndexPdqIndex();
  const shared = new SharedPdqIndex({ autoRebuild: false });
  const baselineCode =
    values['baseline-code'] === undefined ? undefined : await loadBaselineCode(values['baseline-code']);
  const { planted, loadMs } = load(size, queries, multi, shared, baselineCode?.index);
  console.log(`loaded both indexes in ${(loadMs / 1000).toFixed(1)} s; ${planted.length} planted queries`);
  const pool = new PdqLookupPool(shared, { workers });
  // Warm-up (not timed): the JIT compiles the search loops on this thread and in every worker.
  const warm = planted.slice(0, Math.min(300, planted.length));
  for (const { query } of warm) {
    multi.query(query, radius);
    shared.query(query, radius);
    baselineCode?.index.query(query, radius);
  }
  await Promise.all(warm.map(({ query }) => pool.query(query, radius)));

  const sides = {
    multi: side('multi-index, 1 thread (baseline)'),
    shared: side('shared, 1 thread'),
    pool: side(`shared, pool of ${workers}, batch ${batch}`),
    pool8: side(`shared, pool of ${workers}, batch 8`),
    poolOnePerWorker: side(`shared, pool of ${workers}, batch ${batch}, ${workers} in flight`),
  };
  const baselineSide =
    baselineCode === undefined ? undefined : side(`multi-index, 1 thread, code of ${baselineCode.commit}`);
  const perRound = Math.ceil(planted.length / rounds);
  for (let round = 0; round < rounds; round++) {
    const slice = planted.slice(round * perRound, (round + 1) * perRound);
    roundOnThread(sides.multi, multi, slice);
    await roundOnPool(sides.pool, pool, slice, batch, 2 * workers);
    roundOnThread(sides.shared, shared, slice);
    await roundOnPool(sides.pool8, pool, slice, 8, 2 * workers);
    await roundOnPool(sides.poolOnePerWorker, pool, slice, batch, workers);
    if (baselineSide !== undefined && baselineCode !== undefined)
      roundOnThread(baselineSide, baselineCode.index, slice);
  }
  await pool.close();
  shared.close();

  const summaries = [...Object.values(sides), ...(baselineSide === undefined ? [] : [baselineSide])].map((s) => {
    const sorted = [...s.latencies].sort((a, b) => a - b);
    return {
      name: s.name,
      lookups: s.lookups,
      lookupsPerSecond: (s.lookups / s.wallMs) * 1000,
      p50Ms: percentile(sorted, 0.5),
      p99Ms: percentile(sorted, 0.99),
      cpuMsPerLookup: s.cpuMs / s.lookups,
      recall: s.found / s.lookups,
    };
  });
  printTable(
    ['side', 'lookups', 'lookups/s', 'p50 ms', 'p99 ms', 'CPU ms/lookup', 'recall'],
    summaries.map((s) => [
      s.name,
      s.lookups,
      Math.round(s.lookupsPerSecond),
      s.p50Ms.toFixed(3),
      s.p99Ms.toFixed(3),
      s.cpuMsPerLookup.toFixed(3),
      s.recall.toFixed(4),
    ]),
  );
  const baseline = summaries[0]?.lookupsPerSecond ?? Number.NaN;
  const ratios = Object.fromEntries(
    summaries.map((s) => [s.name, Math.round((s.lookupsPerSecond / baseline) * 100) / 100]),
  );
  console.log(`lookups/s relative to the baseline: ${JSON.stringify(ratios)}`);
  const codeRate = baselineSide === undefined ? undefined : summaries.at(-1)?.lookupsPerSecond;
  const ratiosToCode =
    codeRate === undefined
      ? undefined
      : Object.fromEntries(summaries.map((s) => [s.name, Math.round((s.lookupsPerSecond / codeRate) * 100) / 100]));
  if (ratiosToCode !== undefined)
    console.log(`lookups/s relative to ${baselineSide?.name}: ${JSON.stringify(ratiosToCode)}`);
  const loadAfter = loadavg()[0] ?? 0;
  console.log(`load average after: ${loadAfter.toFixed(2)}`);
  await finishBenchmark('index-threads', {
    size,
    radius,
    workers,
    rounds,
    loadAverage: { before: loadBefore, after: loadAfter },
    sides: summaries.map((s) => ({
      ...s,
      lookupsPerSecond: Math.round(s.lookupsPerSecond),
      p50Ms: Math.round(s.p50Ms * 1e4) / 1e4,
      p99Ms: Math.round(s.p99Ms * 1e4) / 1e4,
      cpuMsPerLookup: Math.round(s.cpuMsPerLookup * 1e4) / 1e4,
    })),
    ratioToBaseline: ratios,
    ...(ratiosToCode === undefined ? {} : { ratioToBaselineCode: ratiosToCode }),
    note:
      'lookups/s are wall-clock on a shared, loaded machine (see loadAverage); all sides ran in the same ' +
      'process in alternating rounds on the same hashes and queries',
  });
}
