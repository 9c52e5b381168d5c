/**
 * The `--before DIR` part of `npm run bench -- index-threads --before DIR [--size N] [--queries Q]
 * [--rounds R] [--huge-pages]`: the CPU one lookup costs on one thread, this code against another
 * commit's (a worktree built with `npx tsc -p tsconfig.bench.json`), side by side in one process.
 *
 * A child process loads the same N uniformly random hashes into a `SharedPdqIndex` of each side
 * (this build's, and the one under DIR/build/bench), plants Q near-duplicates (1..31 bits flipped
 * from a stored hash) and looks every one up on each side in R alternating rounds (the order
 * swapped every round), so that the machine's load falls on both alike; the parent runs it twice,
 * each side's index loaded (allocated) first once, and pools the two. Each side is timed in
 * CPU seconds of the process (`process.cpuUsage`, nothing else runs in it) and in wall time per
 * lookup. Every lookup's answer (owners, distances, hashes) must be the same on both sides, and
 * find its planted owner; the child fails otherwise. On a loaded machine wall-clock rates say
 * more about the neighbours than about the code: lookups per CPU-second and the same-run ratio
 * are the figures to read.
 *
 * `--huge-pages` runs two more children with `GLIBC_TUNABLES=glibc.malloc.hugetlb=1` (glibc ≥ 2.35
 * then backs large allocations, the index's `SharedArrayBuffer`s among them, with transparent
 * huge pages where the kernel's mode is `madvise`): a deployment setting, not a code change; both
 * sides get it alike. Each child holds two indexes (about 2.7 GB at 10M).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SharedPdqIndex } from '../../src/indexes/index.js';
import { describeMachine } from './machine.js';
import { loadPlanted, type Planted, radius } from './planted-pdq.js';
import { finishBenchmark, printTable } from './report.js';
import { commitOf } from './side-runs.js';

const execute = promisify(execFile);
/** This file's directory once built (`build/bench/bench/lib`). */
const here = dirname(fileURLToPath(import.meta.url));
/** How long a child may take (two 10M loads and builds, then the rounds). */
const childTimeoutMs = 30 * 60_000;

/** What either side's index offers the measurement (any commit's `SharedPdqIndex` has it). */
interface LookupIndex {
  reserve(entries: number): void;
  addMany(owners: ArrayLike<number>, words: Uint32Array): void;
  rebuild(): void;
  query(value: string, maxDistance: number): readonly { owner: number; distance: number; value: string }[];
  close(): void;
}

interface CpuOptions {
  readonly size: number;
  readonly queries: number;
  readonly rounds: number;
  readonly beforeDirectory: string;
  readonly hugePages: boolean;
  /** Child only: load the before side's index first (the parent runs each order once). */
  readonly beforeFirst?: boolean;
}

/** One side's totals in one child. */
interface SideTotals {
  lookups: number;
  cpuMs: number;
  wallMs: number;
  found: number;
  latencies: number[];
  /** Lookups per CPU-second of each round. */
  roundRates: number[];
}

/** What a child reports. */
interface ChildResult {
  readonly hugePages: boolean;
  readonly beforeFirst: boolean;
  readonly loadMs: number;
  readonly rssMb: number;
  readonly hugePagesMb: number;
  readonly lookups: number;
  readonly answersSha256: string;
  readonly sides: Record<'after' | 'before', Omit<SideTotals, 'latencies'> & { p50Ms: number; p99Ms: number }>;
}

function percentile(sorted: readonly number[], share: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))] ?? Number.NaN;
}

function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

/** Resident and huge-page-backed memory of this process, MB (Linux; −1 elsewhere). */
function residentMb(): { rssMb: number; hugePagesMb: number } {
  try {
    const text = readFileSync('/proc/self/smaps_rollup', 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? -1024);
    return { rssMb: Math.round(kb('Rss') / 1024), hugePagesMb: Math.round(kb('AnonHugePages') / 1024) };
  } catch {
    return { rssMb: -1, hugePagesMb: -1 };
  }
}

/** Looks `planted` up on `index`, timed; each answer as text into `answers`. */
function round(side: SideTotals, index: LookupIndex, planted: readonly Planted[], answers: string[]): void {
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (const [i, { query, owner }] of planted.entries()) {
    const t = performance.now();
    const hits = index.query(query, radius);
    side.latencies.push(performance.now() - t);
    answers[i] = JSON.stringify(hits);
    if (hits.some((hit) => hit.owner === owner)) side.found++;
  }
  side.wallMs += performance.now() - started;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  side.cpuMs += cpuMs;
  side.lookups += planted.length;
  side.roundRates.push(Math.round((planted.length / cpuMs) * 1000));
}

/** The child: both sides in this process, alternating rounds, answers compared. */
export async function runCpuChild(options: CpuOptions): Promise<void> {
  const entry = join(resolve(options.beforeDirectory), 'build', 'bench', 'src', 'indexes', 'index.js');
  const before = (await import(entry)) as { SharedPdqIndex: new (options: { autoRebuild: boolean }) => LookupIndex };
  const indexes = {
    after: new SharedPdqIndex({ autoRebuild: false }) as LookupIndex,
    before: new before.SharedPdqIndex({ autoRebuild: false }),
  };
  const started = performance.now();
  // The index loaded (allocated) first is the one whose arrays come first in memory; the parent
  // runs one child in each order, since that alone may tilt a side by some percent.
  const order = options.beforeFirst ? [indexes.before, indexes.after] : [indexes.after, indexes.before];
  const planted = loadPlanted(options.size, options.queries, order);
  const loadMs = performance.now() - started;
  // Warm-up (not timed): the JIT compiles each side's search loops.
  for (const { query } of planted.slice(0, 300)) for (const index of Object.values(indexes)) index.query(query, radius);
  const totals = (): SideTotals => ({ lookups: 0, cpuMs: 0, wallMs: 0, found: 0, latencies: [], roundRates: [] });
  const sides = { after: totals(), before: totals() };
  const digest = createHash('sha256');
  const perRound = Math.ceil(planted.length / options.rounds);
  for (let r = 0; r < options.rounds; r++) {
    const slice = planted.slice(r * perRound, (r + 1) * perRound);
    const answers = { after: [] as string[], before: [] as string[] };
    const turn = r % 2 === 0 ? (['after', 'before'] as const) : (['before', 'after'] as const);
    for (const name of turn) round(sides[name], indexes[name], slice, answers[name]);
    for (const [i, answer] of answers.after.entries()) {
      if (answer !== answers.before[i])
        throw new Error(`the sides answer ${slice[i]?.query} differently: ${answer} against ${answers.before[i]}`);
      digest.update(answer);
    }
  }
  for (const index of Object.values(indexes)) index.close();
  for (const [name, side] of Object.entries(sides))
    if (side.found !== side.lookups) throw new Error(`${name}: ${side.lookups - side.found} planted owners not found`);
  const summary = (side: SideTotals) => {
    const sorted = [...side.latencies].sort((a, b) => a - b);
    const { latencies: _, ...rest } = side;
    return { ...rest, p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99) };
  };
  const result: ChildResult = {
    hugePages: options.hugePages,
    beforeFirst: options.beforeFirst === true,
    loadMs,
    ...residentMb(),
    lookups: sides.after.lookups,
    answersSha256: digest.digest('hex'),
    sides: { after: summary(sides.after), before: summary(sides.before) },
  };
  console.log(JSON.stringify(result));
}

/** Runs one child (with huge pages or not); its result. */
async function runChild(options: CpuOptions, hugePages: boolean, beforeFirst: boolean): Promise<ChildResult> {
  const args = [
    '--expose-gc',
    join(here, '..', 'run.js'),
    'index-threads',
    '--cpu-child',
    '--before',
    options.beforeDirectory,
    '--size',
    String(options.size),
    '--queries',
    String(options.queries),
    '--rounds',
    String(options.rounds),
    ...(hugePages ? ['--huge-pages'] : []),
    ...(beforeFirst ? ['--before-first'] : []),
  ];
  const env = { ...process.env, ...(hugePages ? { GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' } : {}) };
  const { stdout } = await execute(process.execPath, args, { env, timeout: childTimeoutMs, maxBuffer: 1 << 22 });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '') as ChildResult;
}

/** The parent: one child per page size, a table, the record in `bench/results/index-threads-cpu.json`. */
export async function runCpu(options: CpuOptions): Promise<void> {
  const door = join(resolve(options.beforeDirectory), 'build', 'bench', 'src', 'indexes', 'index.js');
  if (!existsSync(door))
    throw new Error(`${door} is missing: run \`npx tsc -p tsconfig.bench.json\` in ${options.beforeDirectory} first`);
  const beforeCommit = await commitOf(options.beforeDirectory);
  const machine = describeMachine();
  const loadBefore = loadavg()[0] ?? 0;
  console.log(
    `index-threads --before: CPU per lookup on one thread, this code against ${beforeCommit}, ` +
      `${options.size.toLocaleString('en')} random hashes, ${options.queries} planted queries, radius ${radius}, ` +
      `${options.rounds} alternating rounds`,
  );
  console.log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}`);
  console.log(`load average before: ${loadBefore.toFixed(2)} (other processes share these cores)`);
  const children: ChildResult[] = [];
  for (const hugePages of options.hugePages ? [false, true] : [false])
    for (const beforeFirst of [false, true]) children.push(await runChild(options, hugePages, beforeFirst));
  const loadAfter = loadavg()[0] ?? 0;
  if (children.some((child) => child.answersSha256 !== children[0]?.answersSha256))
    throw new Error('the answers differ between the children');
  const rows = children.flatMap((child) =>
    (['before', 'after'] as const).map((name) => {
      const side = child.sides[name];
      return [
        `${name === 'after' ? 'this code' : `before (${beforeCommit})`}${child.hugePages ? ', huge pages' : ''}` +
          `${(name === 'before') === child.beforeFirst ? ', loaded first' : ''}`,
        side.lookups,
        Math.round((side.lookups / side.cpuMs) * 1000),
        median(side.roundRates),
        ((side.cpuMs / side.lookups) * 1000).toFixed(1),
        Math.round((side.lookups / side.wallMs) * 1000),
        side.p50Ms.toFixed(3),
        side.p99Ms.toFixed(3),
        (side.found / side.lookups).toFixed(4),
      ];
    }),
  );
  printTable(
    [
      'side',
      'lookups',
      'lookups/CPU-s',
      'median round',
      'CPU µs/lookup',
      'lookups/s wall',
      'p50 ms',
      'p99 ms',
      'recall',
    ],
    rows,
  );
  const ratio = (child: ChildResult) => {
    const { after, before } = child.sides;
    const paired = after.roundRates.map((rate, i) => rate / (before.roundRates[i] ?? Number.NaN));
    return {
      cpu: Math.round((after.lookups / after.cpuMs / (before.lookups / before.cpuMs)) * 1000) / 1000,
      medianOfRounds: Math.round(median(paired) * 1000) / 1000,
    };
  };
  for (const child of children) {
    const { cpu, medianOfRounds } = ratio(child);
    console.log(
      `${child.hugePages ? 'huge pages' : 'plain pages'}, ${child.beforeFirst ? 'before' : 'this code'} loaded first: this code / before, lookups per CPU-second: ${cpu}× ` +
        `(median of the per-round ratios ${medianOfRounds}×); identical answers (SHA-256 ${child.answersSha256.slice(0, 16)}…); ` +
        `RSS ${child.rssMb} MB, of it on huge pages ${child.hugePagesMb} MB`,
    );
  }
  const pooled = (hugePages: boolean) => {
    const runs = children.filter((child) => child.hugePages === hugePages);
    const rate = (name: 'after' | 'before') =>
      runs.reduce((total, child) => total + child.sides[name].lookups, 0) /
      (runs.reduce((total, child) => total + child.sides[name].cpuMs, 0) / 1000);
    return {
      hugePages,
      after: Math.round(rate('after')),
      before: Math.round(rate('before')),
      ratio: Math.round((rate('after') / rate('before')) * 1000) / 1000,
    };
  };
  const both = (options.hugePages ? [false, true] : [false]).map(pooled);
  for (const { hugePages, after, before, ratio } of both)
    console.log(
      `${hugePages ? 'huge pages' : 'plain pages'}, both orders: this code ${after} lookups per CPU-second, before ${before}: ${ratio}×`,
    );
  console.log(`load average after: ${loadAfter.toFixed(2)}`);
  await finishBenchmark('index-threads-cpu', {
    size: options.size,
    queries: options.queries,
    radius,
    rounds: options.rounds,
    before: beforeCommit,
    loadAverage: { before: loadBefore, after: loadAfter },
    bothOrders: both,
    runs: children.map((child) => ({
      hugePages: child.hugePages,
      beforeFirst: child.beforeFirst,
      rssMb: child.rssMb,
      hugePagesMb: child.hugePagesMb,
      loadSeconds: Math.round(child.loadMs / 100) / 10,
      answersSha256: child.answersSha256,
      ratio: ratio(child),
      sides: Object.fromEntries(
        (['after', 'before'] as const).map((name) => {
          const side = child.sides[name];
          return [
            name,
            {
              lookups: side.lookups,
              lookupsPerCpuSecond: Math.round((side.lookups / side.cpuMs) * 1000),
              roundLookupsPerCpuSecond: side.roundRates,
              cpuUsPerLookup: Math.round((side.cpuMs / side.lookups) * 10_000) / 10,
              lookupsPerSecond: Math.round((side.lookups / side.wallMs) * 1000),
              p50Ms: Math.round(side.p50Ms * 1e4) / 1e4,
              p99Ms: Math.round(side.p99Ms * 1e4) / 1e4,
              recall: side.found / side.lookups,
            },
          ];
        }),
      ),
    })),
    note:
      'both sides in one process per run, alternating rounds, on the same hashes and queries, answers checked ' +
      'identical; the machine is shared and loaded (see loadAverage): read the per-CPU-second rates and ratios',
  });
}
