/**
 * Runs of the side-by-side benchmarks (`payments`, `chat`, `rules`): each side is one of this
 * branch's side scripts (`bench/lib/*-side.ts`, built) run in a fresh process, so that each run
 * gets a fresh V8 heap and JIT, on the code compiled under a build root: this branch's
 * `build/bench`, or that of another commit's worktree (`--before DIR`, built there with
 * `npx tsc -p tsconfig.bench.json`). The sides run in turns, round after round, because on a
 * shared machine only runs taken in the same stretch of time compare; their medians are compared.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { median } from './median.js';

const execute = promisify(execFile);
/** This file's directory once built (`build/bench/bench/lib`), where the side scripts are too. */
const here = dirname(fileURLToPath(import.meta.url));

/** The build roots of the two sides: this code's, and the before worktree's when one is given. */
export interface BuildRoots {
  readonly after: string;
  readonly before: string | undefined;
}

/**
 * This code's build root and, given `beforeDirectory`, that worktree's; fails when the latter
 * holds no build of the door `door` (`src/<door>/index.js`), the first the side script loads.
 */
export function buildRoots(beforeDirectory: string | undefined, door: string): BuildRoots {
  const after = resolve(here, '..', '..');
  const before = beforeDirectory === undefined ? undefined : join(resolve(beforeDirectory), 'build', 'bench');
  if (before !== undefined && !existsSync(join(before, 'src', door, 'index.js')))
    throw new Error(`${before} holds no build: run \`npx tsc -p tsconfig.bench.json\` in ${beforeDirectory} first`);
  return { after, before };
}

/**
 * Runs the side script `script` (e.g. `payments-side.js`) in a fresh process with `args`, node
 * started with `nodeFlags` (e.g. the V8 flags a deployment starts the product with); its last
 * line, parsed.
 */
async function runSide<T>(script: string, args: readonly string[], nodeFlags: readonly string[] = []): Promise<T> {
  const { stdout } = await execute(process.execPath, [...nodeFlags, join(here, script), ...args], {
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '') as T;
}

/**
 * Runs `script` `repeat` times for each side of `sides` (its arguments, the build root first; a
 * side given undefined is skipped), in turns, in the order of `sides`, node started with the
 * side's `nodeFlags` (none when absent); after each round calls `onRound` with the round's runs.
 * Every side's runs, in order.
 */
export async function runInTurns<K extends string, T>(
  script: string,
  repeat: number,
  sides: Record<K, readonly string[] | undefined>,
  onRound: (round: number, latest: Partial<Record<K, T>>) => void,
  nodeFlags: Partial<Record<K, readonly string[]>> = {},
): Promise<Record<K, T[]>> {
  const names = Object.keys(sides) as K[];
  const runs = Object.fromEntries(names.map((name) => [name, [] as T[]])) as Record<K, T[]>;
  for (let round = 0; round < repeat; round++) {
    const latest: Partial<Record<K, T>> = {};
    for (const name of names) {
      const args = sides[name];
      if (args === undefined) continue;
      const result = await runSide<T>(script, args, nodeFlags[name]);
      runs[name].push(result);
      latest[name] = result;
    }
    onRound(round, latest);
  }
  return runs;
}

/** What a run produced, to compare between runs: how many, and the SHA-256 of all of them. */
export interface Outcome {
  readonly count: number;
  readonly sha256: string;
}

/** Fails, saying `what`, when a run of `runs` produced another outcome than `reference`. */
export function sameOutcomes<T>(
  runs: readonly T[],
  reference: T | undefined,
  outcome: (run: T) => Outcome,
  what: string,
): void {
  if (reference === undefined) return;
  const expected = outcome(reference);
  for (const run of runs) {
    const got = outcome(run);
    if (got.count !== expected.count || got.sha256 !== expected.sha256)
      throw new Error(`${what}: ${got.count} (${got.sha256}) against ${expected.count} (${expected.sha256})`);
  }
}

/**
 * Every run of both sides must produce the outcome of this side's first run or, when the
 * detection changed between the sides (`detectionChanged`), each side that of its own first run.
 */
export function sidesAgree<T>(
  after: readonly T[],
  before: readonly T[],
  outcome: (run: T) => Outcome,
  detectionChanged: boolean,
): void {
  if (detectionChanged) {
    sameOutcomes(after, after[0], outcome, "this side's runs give different results");
    sameOutcomes(before, before[0], outcome, "the before side's runs give different results");
  } else sameOutcomes([...before, ...after], after[0], outcome, "the two sides' results differ");
}

/** A run's time: wall seconds and CPU seconds (`process.cpuUsage`). */
export interface RunTime {
  readonly seconds: number;
  readonly cpuSeconds: number;
}

/** `units` (per run, or a function of it) per second and per CPU-second over a side's runs. */
export interface Rates {
  /** Median over the runs, rounded. */
  readonly perSecond: number;
  readonly perCpuSecond: number;
  /** Median seconds, to 0.01 s. */
  readonly seconds: number;
  /** Every run's, rounded, in order. */
  readonly runsPerSecond: number[];
  readonly runsPerCpuSecond: number[];
}

/** The rates of `runs`, each of which processed `units` (a number, or a function of the run). */
export function rates<T extends RunTime>(runs: readonly T[], units: number | ((run: T) => number)): Rates {
  const count = (run: T) => (typeof units === 'number' ? units : units(run));
  const perSecond = runs.map((run) => count(run) / run.seconds);
  const perCpuSecond = runs.map((run) => count(run) / run.cpuSeconds);
  return {
    perSecond: Math.round(median(perSecond)),
    perCpuSecond: Math.round(median(perCpuSecond)),
    seconds: Number(median(runs.map((run) => run.seconds)).toFixed(2)),
    runsPerSecond: perSecond.map(Math.round),
    runsPerCpuSecond: perCpuSecond.map(Math.round),
  };
}

/** A side's runs summed up: its rates, and the outcome of its first run (the same as every run's, checked). */
export interface SideSummary extends Rates, Outcome {}

/** `runs` summed up, each having processed `units`; undefined for no runs. */
function summarize<T extends RunTime>(
  runs: readonly T[],
  units: (run: T) => number,
  outcome: (run: T) => Outcome,
): SideSummary | undefined {
  const first = runs[0];
  return first === undefined ? undefined : { ...rates(runs, units), ...outcome(first) };
}

/**
 * Both sides summed up (see `SideSummary`), the before side with the commit of `beforeDirectory`
 * (undefined when there is none or it did not run).
 */
export async function summarizeSides<T extends RunTime>(
  runs: { readonly after: readonly T[]; readonly before: readonly T[] },
  beforeDirectory: string | undefined,
  units: (run: T) => number,
  outcome: (run: T) => Outcome,
): Promise<{ after: SideSummary; before: (SideSummary & { commit: string }) | undefined }> {
  const after = summarize(runs.after, units, outcome);
  if (after === undefined) throw new Error('this side never ran');
  const before = summarize(runs.before, units, outcome);
  return {
    after,
    before:
      beforeDirectory === undefined || before === undefined
        ? undefined
        : { commit: await commitOf(beforeDirectory), ...before },
  };
}

/**
 * The table rows of this side, labelled `label`, and of the before side when it ran: label,
 * `units` processed, median seconds (to 0.1 s), median per second and per CPU-second.
 */
export function sideRows(
  label: string,
  units: number,
  after: SideSummary,
  before: (SideSummary & { commit: string }) | undefined,
): (string | number)[][] {
  const row = (name: string, side: SideSummary) => [
    name,
    units,
    side.seconds.toFixed(1),
    side.perSecond,
    side.perCpuSecond,
  ];
  return [row(label, after), ...(before === undefined ? [] : [row(`Prevail before (${before.commit})`, before)])];
}

/** The commit checked out in `directory` (short hash), for the record. */
export async function commitOf(directory: string): Promise<string> {
  const { stdout } = await execute('git', ['-C', directory, 'rev-parse', '--short', 'HEAD']);
  return stdout.trim();
}
