/**
 * `npm run bench -- pdq-index [--size N] [--queries Q] [--brute-queries B] [--huge-pages]`:
 * PDQ matching at radius 31 over N uniformly random 256-bit hashes (default 10,000,000), side by
 * side: Prevail's multi-index (`MultiIndexPdqIndex`) and an exact brute-force scan
 * (`LinearPdqIndex`). Queries are planted near-duplicates: a randomly chosen stored hash with
 * 1..31 random bits flipped, so each must find its source (recall must be 100%).
 *
 * Each variant runs in its own child process (`--worker NAME`), so that its resident memory is
 * its own: the hashes are generated batch by batch straight into the index, as a load from
 * storage would stream them, and never held twice. Brute force takes ~100 ms per query at 10M,
 * so it is timed over fewer queries (`--brute-queries`, default 30). Every loop is bounded in
 * count and time. `--huge-pages` adds a multi-index run with transparent huge pages through
 * `GLIBC_TUNABLES=glibc.malloc.hugetlb=1` (a deployment setting, not a code change).
 *
 * Uniform random hashes are the best case for multi-index hashing: real collections cluster, so
 * candidate lists and latencies grow; see shared/notes/pdq-performance.md §2.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LinearPdqIndex, MultiIndexPdqIndex } from '../src/indexes/index.js';
import { wordsToPdqHash } from '../src/signals/index.js';
import { describeMachine } from './lib/machine.js';
import { finishBenchmark, printTable } from './lib/report.js';
import { splitMix32 } from './lib/split-mix32.js';

/** How long any one variant may take before it is killed. */
const childTimeoutMs = 20 * 60_000;
/** Time budget of each timed query loop (the count bound comes from the options). */
const queryBudgetMs = 60_000;
/** Hashes generated per batch (one `addMany` call). */
const batchSize = 100_000;
const radius = 31;

type Variant = 'multi-index' | 'brute-force';

interface Options {
  readonly size: number;
  readonly queries: number;
  readonly bruteQueries: number;
  readonly seed: number;
  readonly hugePages: boolean;
}

/** What one child reports. */
interface Measurement {
  readonly variant: Variant;
  readonly loadMs: number;
  readonly buildMs: number;
  readonly queries: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  readonly lookupsPerSecond: number;
  readonly lookupsPerCpuSecond: number;
  readonly recall: number;
  readonly rssMb: number;
  readonly indexMb: number;
  readonly chunks: number;
  readonly tableBits: number;
  /** Multi-index only: the dynamic part, measured after the main queries. */
  readonly dynamic?: Dynamic;
}

/** Incremental changes after the build: single adds filling the delta, then a rebuild. */
interface Dynamic {
  readonly adds: number;
  readonly addMeanUs: number;
  readonly deltaP50Ms: number;
  readonly deltaP99Ms: number;
  readonly removals: number;
  readonly rebuildMs: number;
  readonly rssMb: number;
  /** Peak resident memory of the whole run (Linux `VmHWM`), MB; −1 where unknown. */
  readonly peakRssMb: number;
}

/**
 * Entry point for `bench/run.ts`: compares the variants (each in a child process started with
 * `--worker`), or, with `--worker NAME`, is that child and prints its measurement as JSON.
 */
export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      size: { type: 'string', default: '10000000' },
      queries: { type: 'string', default: '2000' },
      'brute-queries': { type: 'string', default: '30' },
      seed: { type: 'string', default: '20240531' },
      'huge-pages': { type: 'boolean', default: false },
      worker: { type: 'string' },
    },
  });
  const options: Options = {
    size: positiveInteger(values.size, '--size'),
    queries: positiveInteger(values.queries, '--queries'),
    bruteQueries: positiveInteger(values['brute-queries'], '--brute-queries'),
    seed: positiveInteger(values.seed, '--seed'),
    hugePages: values['huge-pages'],
  };
  if (values.worker === 'multi-index' || values.worker === 'brute-force') {
    console.log(JSON.stringify(measure(values.worker, options)));
    return;
  }
  await compare(options, args);
}

/** The parent: runs each variant in a child, prints the comparison and the JSON result. */
async function compare(options: Options, args: string[]): Promise<void> {
  const machine = describeMachine();
  const loadBefore = loadavg()[0] ?? 0;
  console.log(
    `pdq-index: ${options.size.toLocaleString('en')} uniformly random hashes, planted near-duplicates ` +
      `(1..${radius} bits flipped), radius ${radius}, one core per variant`,
  );
  console.log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}`);
  console.log(`load average before: ${loadBefore.toFixed(2)} (other processes share these cores)`);
  const runs: [string, Measurement][] = [];
  runs.push(['Prevail multi-index', await runChild('multi-index', args, {})]);
  if (options.hugePages) {
    runs.push([
      'multi-index, huge pages',
      await runChild('multi-index', args, { GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' }),
    ]);
  }
  runs.push(['brute-force scan', await runChild('brute-force', args, {})]);
  const prevail = (runs[0] as [string, Measurement])[1];
  const brute = (runs[runs.length - 1] as [string, Measurement])[1];
  const loadAfter = loadavg()[0] ?? 0;

  console.log('');
  const row = (label: string, pick: (m: Measurement) => string | number): (string | number)[] => [
    label,
    ...runs.map(([, m]) => pick(m)),
  ];
  printTable(
    ['', ...runs.map(([name]) => name)],
    [
      row('load (addMany), s', (m) => seconds(m.loadMs)),
      row('build (index tables), s', (m) => seconds(m.buildMs)),
      row('queries timed', (m) => m.queries),
      row('query p50, ms', (m) => m.p50Ms.toFixed(3)),
      row('query p99, ms', (m) => m.p99Ms.toFixed(3)),
      row('lookups/s, one core (wall)', (m) => Math.round(m.lookupsPerSecond)),
      row('lookups per CPU-second', (m) => Math.round(m.lookupsPerCpuSecond)),
      row('recall of planted neighbours', (m) => `${(m.recall * 100).toFixed(1)}%`),
      row('resident memory (RSS), MB', (m) => Math.round(m.rssMb)),
      row('arrays allocated (virtual), MB', (m) => Math.round(m.indexMb)),
      row('layout', (m) => (m.chunks === 0 ? 'linear' : `${m.chunks} chunks, ≤ ${m.tableBits}-bit keys`)),
      row('then: single adds into the delta', (m) => m.dynamic?.adds ?? '-'),
      row('  add, µs (mean)', (m) => m.dynamic?.addMeanUs.toFixed(1) ?? '-'),
      row('  query p50 with that delta, ms', (m) => m.dynamic?.deltaP50Ms.toFixed(3) ?? '-'),
      row('  query p99 with that delta, ms', (m) => m.dynamic?.deltaP99Ms.toFixed(3) ?? '-'),
      row('  rebuild (+1000 removals), s', (m) => (m.dynamic === undefined ? '-' : seconds(m.dynamic.rebuildMs))),
      row('  RSS after the rebuild, MB', (m) => (m.dynamic === undefined ? '-' : Math.round(m.dynamic.rssMb))),
      row('  peak RSS of the whole run, MB', (m) => (m.dynamic === undefined ? '-' : Math.round(m.dynamic.peakRssMb))),
    ],
  );
  const speedup = brute.p50Ms / prevail.p50Ms;
  console.log('(arrays allocated include spare capacity for growth, which stays virtual until written)');
  console.log('');
  console.log(
    `multi-index vs brute force at p50: ${speedup.toFixed(1)}× faster; ` +
      `targets at 10M: p50 ≤ 1 ms, ≥ 4,000 lookups/s, RSS ≤ 1.5 GB; load average after: ${loadAfter.toFixed(2)}`,
  );
  await finishBenchmark('pdq-index', {
    size: options.size,
    queries: prevail.queries,
    radius,
    p50Ms: round(prevail.p50Ms, 4),
    p99Ms: round(prevail.p99Ms, 4),
    meanMs: round(prevail.meanMs, 4),
    lookupsPerSecond: Math.round(prevail.lookupsPerSecond),
    lookupsPerCpuSecond: Math.round(prevail.lookupsPerCpuSecond),
    rssMb: Math.round(prevail.rssMb),
    indexMb: Math.round(prevail.indexMb),
    buildMs: Math.round(prevail.loadMs + prevail.buildMs),
    loadMs: Math.round(prevail.loadMs),
    tableBuildMs: Math.round(prevail.buildMs),
    chunks: prevail.chunks,
    tableBits: prevail.tableBits,
    recall: prevail.recall,
    bruteQueries: brute.queries,
    bruteP50Ms: round(brute.p50Ms, 3),
    bruteP99Ms: round(brute.p99Ms, 3),
    bruteLookupsPerSecond: round(brute.lookupsPerSecond, 1),
    bruteRssMb: Math.round(brute.rssMb),
    bruteBuildMs: Math.round(brute.loadMs + brute.buildMs),
    bruteRecall: brute.recall,
    speedupP50: round(speedup, 1),
    ...(prevail.dynamic === undefined
      ? {}
      : {
          deltaAdds: prevail.dynamic.adds,
          addMeanUs: round(prevail.dynamic.addMeanUs, 2),
          deltaP50Ms: round(prevail.dynamic.deltaP50Ms, 4),
          deltaP99Ms: round(prevail.dynamic.deltaP99Ms, 4),
          rebuildMs: Math.round(prevail.dynamic.rebuildMs),
          rssAfterRebuildMb: Math.round(prevail.dynamic.rssMb),
          peakRssMb: Math.round(prevail.dynamic.peakRssMb),
        }),
    ...(options.hugePages ? { hugePages: summary((runs[1] as [string, Measurement])[1]) } : {}),
    loadAverageBefore: round(loadBefore, 2),
    loadAverageAfter: round(loadAfter, 2),
  });
}

/** Runs `bench/run.ts pdq-index --worker VARIANT …` and returns the JSON line it prints. */
function runChild(variant: Variant, args: string[], env: Record<string, string>): Promise<Measurement> {
  // run.ts under tsx, run.js when compiled: the runner beside this file.
  const runner = fileURLToPath(new URL(`./run${extname(fileURLToPath(import.meta.url))}`, import.meta.url));
  const child = spawn(process.execPath, [...process.execArgv, runner, 'pdq-index', ...args, '--worker', variant], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: childTimeoutMs,
  });
  let output = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    output += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const last = output.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{')) {
        reject(new Error(`${variant} worker failed (exit ${code}, signal ${signal}): ${output.slice(-500)}`));
        return;
      }
      resolve(JSON.parse(last) as Measurement);
    });
  });
}

/** The child: loads N generated hashes into one index, times the planted queries. */
function measure(variant: Variant, options: Options): Measurement {
  const random = splitMix32(options.seed);
  const plantedCount = variant === 'multi-index' ? options.queries : Math.min(options.queries, options.bruteQueries);
  // Sources of the planted queries: sorted distinct slots, captured while their batch is generated.
  const sources = new Set<number>();
  for (let guard = 0; sources.size < Math.min(options.queries, options.size) && guard < options.queries * 20; guard++) {
    sources.add(random() % options.size);
  }
  const sourceList = [...sources].slice(0, plantedCount);
  const wanted = new Map(sourceList.map((slot, order) => [slot, order]));
  const planted: { query: string; owner: number }[] = new Array(sourceList.length);

  const multi = variant === 'multi-index' ? new MultiIndexPdqIndex() : undefined;
  const linear = variant === 'brute-force' ? new LinearPdqIndex() : undefined;
  multi?.reserve(options.size);
  linear?.reserve(options.size);
  const words = new Uint32Array(batchSize * 8);
  const owners = new Int32Array(batchSize);
  let loadMs = 0;
  for (let first = 0; first < options.size; first += batchSize) {
    const count = Math.min(batchSize, options.size - first);
    for (let i = 0; i < count * 8; i++) words[i] = random();
    for (let i = 0; i < count; i++) {
      owners[i] = first + i + 1;
      const order = wanted.get(first + i);
      if (order !== undefined) {
        // A generator per planted query, so that both variants load identical hashes and plant
        // identical queries (the brute-force child plants only the first `--brute-queries`).
        const flips = splitMix32((options.seed ^ 0x5bd1e995) + order);
        planted[order] = { query: plantNeighbour(words, i, flips), owner: first + i + 1 };
      }
    }
    const started = performance.now();
    multi?.addMany(owners.subarray(0, count), words.subarray(0, count * 8));
    linear?.addMany(owners.subarray(0, count), words.subarray(0, count * 8));
    loadMs += performance.now() - started;
  }
  const buildStarted = performance.now();
  multi?.rebuild();
  const buildMs = performance.now() - buildStarted;
  console.error(`  ${variant}: loaded ${options.size.toLocaleString('en')} hashes; timing ${planted.length} queries`);

  const index = multi ?? linear;
  if (index === undefined) throw new Error(`unknown variant ${variant}`);
  // Warm-up (not timed): the JIT compiles the search loops.
  const warmUp = variant === 'multi-index' ? Math.min(200, planted.length) : Math.min(2, planted.length);
  for (let i = 0; i < warmUp; i++) index.query((planted[i] as { query: string }).query, radius);

  const latencies: number[] = [];
  let found = 0;
  const cpuStarted = process.cpuUsage();
  const loopStarted = performance.now();
  for (const { query, owner } of planted) {
    if (performance.now() - loopStarted > queryBudgetMs) break;
    const started = performance.now();
    const hits = index.query(query, radius);
    latencies.push(performance.now() - started);
    if (hits.some((hit) => hit.owner === owner)) found++;
  }
  const cpu = process.cpuUsage(cpuStarted);
  const totalMs = latencies.reduce((sum, ms) => sum + ms, 0);
  latencies.sort((a, b) => a - b);
  const stats = multi?.stats;
  const rssMb = process.memoryUsage().rss / 1e6;
  const dynamic = multi === undefined ? undefined : measureDynamic(multi, options, planted, random);
  return {
    variant,
    loadMs,
    buildMs,
    queries: latencies.length,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    meanMs: totalMs / latencies.length,
    lookupsPerSecond: (latencies.length / totalMs) * 1000,
    lookupsPerCpuSecond: latencies.length / ((cpu.user + cpu.system) / 1e6),
    recall: found / latencies.length,
    rssMb,
    indexMb: (stats?.bytes ?? linear?.bytes ?? 0) / 1e6,
    chunks: stats?.chunks ?? 0,
    tableBits: stats?.tableBits ?? 0,
    ...(dynamic === undefined ? {} : { dynamic }),
  };
}

/**
 * Fills the delta with single `add`s up to just below the rebuild threshold (the slowest
 * steady state of a query), times queries then, and times the rebuild that folds the delta in
 * after some removals (the stall a threshold crossing costs).
 */
function measureDynamic(
  index: MultiIndexPdqIndex,
  options: Options,
  planted: { query: string; owner: number }[],
  random: () => number,
): Dynamic {
  const adds = Math.max(0, index.stats.rebuildThreshold - 1);
  const words = new Uint32Array(8);
  let addMs = 0;
  for (let i = 0; i < adds; i++) {
    for (let j = 0; j < 8; j++) words[j] = random();
    const hash = wordsToPdqHash(words);
    const started = performance.now();
    index.add(options.size + 1 + i, hash);
    addMs += performance.now() - started;
  }
  const latencies: number[] = [];
  const loopStarted = performance.now();
  for (const { query } of planted.slice(0, 500)) {
    if (performance.now() - loopStarted > queryBudgetMs) break;
    const started = performance.now();
    index.query(query, radius);
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  const removals = Math.min(1000, options.size);
  for (let owner = 1; owner <= removals; owner++) index.remove(owner);
  const started = performance.now();
  index.rebuild();
  const rebuildMs = performance.now() - started;
  return {
    adds,
    addMeanUs: adds === 0 ? 0 : (addMs / adds) * 1000,
    deltaP50Ms: percentile(latencies, 0.5),
    deltaP99Ms: percentile(latencies, 0.99),
    removals,
    rebuildMs,
    rssMb: process.memoryUsage().rss / 1e6,
    peakRssMb: peakRssMb(),
  };
}

/** The process's peak resident memory so far, from `/proc/self/status` (Linux); −1 elsewhere. */
function peakRssMb(): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return match === null ? -1 : (Number(match[1]) * 1024) / 1e6;
  } catch {
    return -1;
  }
}

/** Hash `i` of the batch with 1..31 distinct random bits flipped. */
function plantNeighbour(words: Uint32Array, i: number, random: () => number): string {
  const copy = words.slice(i * 8, i * 8 + 8);
  const flips = 1 + (random() % radius);
  const flipped = new Set<number>();
  while (flipped.size < flips) flipped.add(random() % 256);
  for (const bit of flipped) copy[bit >>> 5] = ((copy[bit >>> 5] as number) ^ (1 << (bit & 31))) >>> 0;
  return wordsToPdqHash(copy);
}

function percentile(sorted: number[], share: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))] ?? Number.NaN;
}

function positiveInteger(text: string, name: string): number {
  const value = Number(text.replaceAll('_', ''));
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${text}`);
  return value;
}

function summary(m: Measurement): Record<string, number> {
  return {
    p50Ms: round(m.p50Ms, 4),
    p99Ms: round(m.p99Ms, 4),
    lookupsPerSecond: Math.round(m.lookupsPerSecond),
    rssMb: Math.round(m.rssMb),
    buildMs: Math.round(m.loadMs + m.buildMs),
    recall: m.recall,
  };
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(2);
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}
