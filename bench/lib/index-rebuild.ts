/**
 * The `--rebuild` part of `npm run bench -- index-threads --rebuild [--size N] [--workers W]
 * [--rounds R] [--churn C]`: what a rebuild of a `SharedPdqIndex` of N random hashes costs the
 * lookups, rebuilt on the main thread (`rebuild()`, as before `rebuildInBackground` existed: the
 * baseline) and in the builder thread (`rebuildInBackground()`), in alternating rounds in one
 * process. Before each round C owners are removed and C new hashes added (compaction after many
 * changes); the rebuild covers every entry, as the full build after a bulk load does.
 *
 * During each rebuild a lane on the main thread makes one lookup per event-loop turn and 2·W
 * lanes keep lookups in flight in a `PdqLookupPool` of W workers. Measured: the longest gap
 * between two turns of the main lane that overlaps the rebuild (how long the main thread was held:
 * no HTTP request, no lookup reply is handled meanwhile), the rebuild's wall time, and the
 * lookups answered (their replies handled) while it ran, each checked against its planted owner.
 * A third side, the control, measures the same over a window with no rebuild. Every loop is bounded.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { PdqLookupPool, SharedPdqIndex } from '../../src/indexes/index.js';
import { wordsToPdqHash } from '../../src/signals/index.js';
import { batchSize, type Planted, radius } from './planted-pdq.js';
import { finishBenchmark, printTable } from './report.js';
import { splitMix32 } from './split-mix32.js';

/** At most this many turns per lane per rebuild (a bound; a 10M build is ~100k turns at most). */
const maxTurns = 2_000_000;

interface Sample {
  readonly wallMs: number;
  readonly longestStallMs: number;
  readonly mainLookups: number;
  readonly poolLookups: number;
  readonly wrong: number;
}

/** `size` random hashes (owners 1..size), built once on the main thread; 2,000 planted neighbours. */
function load(size: number, index: SharedPdqIndex): Planted[] {
  const random = splitMix32(20261207);
  const every = Math.max(1, Math.floor(size / 2000));
  const planted: Planted[] = [];
  index.reserve(size);
  const words = new Uint32Array(batchSize * 8);
  const owners = new Int32Array(batchSize);
  for (let first = 0; first < size; first += batchSize) {
    const count = Math.min(batchSize, size - first);
    for (let i = 0; i < count * 8; i++) words[i] = random();
    for (let i = 0; i < count; i++) {
      owners[i] = first + i + 1;
      if ((first + i) % every !== 0) continue;
      const copy = words.slice(i * 8, i * 8 + 8);
      for (let bit = 0; bit < 1 + (random() % radius); bit++)
        copy[bit >>> 5] = (copy[bit >>> 5] as number) ^ (1 << bit);
      planted.push({ query: wordsToPdqHash(copy), owner: first + i + 1 });
    }
    index.addMany(owners.subarray(0, count), words.subarray(0, count * 8));
  }
  return planted;
}

type Mode = 'main' | 'background' | 'idle';

/** Length of the `idle` window: no rebuild, the same lookups (the machine's own stalls). */
const idleMs = 2000;

/**
 * One rebuild, on the main thread or in the background, with lookups going on around it; or
 * (`idle`) no rebuild for `idleMs`, the control: on a loaded machine the scheduler alone holds a
 * thread off its core for tens of milliseconds at times.
 */
async function measure(
  mode: Mode,
  index: SharedPdqIndex,
  pool: PdqLookupPool,
  planted: readonly Planted[],
  lanes: number,
): Promise<Sample> {
  let rebuilding = false;
  let stop = false;
  let mainLookups = 0;
  let poolLookups = 0;
  let wrong = 0;
  const turns: number[] = [];
  const mainLane = async () => {
    for (let turn = 0; turn < maxTurns && !stop; turn++) {
      turns.push(performance.now());
      if (rebuilding) {
        const item = planted[turn % planted.length] as Planted;
        if (!index.query(item.query, radius).some((hit) => hit.owner === item.owner)) wrong++;
        mainLookups++;
      }
      await nextTurn();
    }
  };
  const poolLane = async (lane: number) => {
    for (let turn = 0; turn < maxTurns && !stop; turn++) {
      const item = planted[(turn * lanes + lane) % planted.length] as Planted;
      const hits = await pool.query(item.query, radius);
      if (!rebuilding) continue;
      if (!hits.some((hit) => hit.owner === item.owner)) wrong++;
      poolLookups++;
    }
  };
  const running = [mainLane(), ...Array.from({ length: lanes }, (_, lane) => poolLane(lane))];
  for (let i = 0; i < 20; i++) await nextTurn();
  const started = performance.now();
  rebuilding = true;
  if (mode === 'background') await index.rebuildInBackground();
  else if (mode === 'main') index.rebuild();
  else await new Promise((resolve) => setTimeout(resolve, idleMs));
  rebuilding = false;
  const ended = performance.now();
  await nextTurn();
  stop = true;
  await Promise.all(running);
  let longestStallMs = 0;
  for (let i = 0; i + 1 < turns.length; i++) {
    const from = turns[i] as number;
    const to = turns[i + 1] as number;
    if (to >= started && from <= ended) longestStallMs = Math.max(longestStallMs, to - from);
  }
  return { wallMs: ended - started, longestStallMs, mainLookups, poolLookups, wrong };
}

/** Removes `churn` owners not planted and adds `churn` new hashes. */
function churnRound(index: SharedPdqIndex, size: number, churn: number, round: number, planted: Set<number>): void {
  const random = splitMix32(round + 1);
  const words = new Uint32Array(churn * 8);
  for (let i = 0; i < words.length; i++) words[i] = random();
  let removed = 0;
  for (let guard = 0; removed < churn && guard < churn * 10; guard++) {
    const owner = 1 + (random() % size);
    if (planted.has(owner)) continue;
    index.remove(owner);
    removed++;
  }
  const owners = Int32Array.from({ length: churn }, (_, i) => size + round * churn + i + 1);
  index.addMany(owners, words);
}

function summary(name: string, samples: readonly Sample[]) {
  const sum = (pick: (s: Sample) => number) => samples.reduce((total, s) => total + pick(s), 0);
  const list = (pick: (s: Sample) => number) => samples.map((s) => Math.round(pick(s)));
  return {
    name,
    rebuilds: samples.length,
    wallMs: list((s) => s.wallMs),
    longestStallMs: list((s) => s.longestStallMs),
    mainLookupsDuring: list((s) => s.mainLookups),
    poolLookupsDuring: list((s) => s.poolLookups),
    wrong: sum((s) => s.wrong),
  };
}

export async function runRebuild(options: {
  readonly size: number;
  readonly workers: number;
  readonly rounds: number;
  readonly churn: number;
}): Promise<void> {
  const { size, workers, rounds, churn } = options;
  console.log(
    `index-threads --rebuild: ${size.toLocaleString('en')} random hashes, ${churn.toLocaleString('en')} removed and ` +
      `added before each rebuild, pool of ${workers}, ${rounds} alternating rounds per side`,
  );
  const index = new SharedPdqIndex({ autoRebuild: false });
  const planted = load(size, index);
  const loadStarted = performance.now();
  index.rebuild();
  console.log(`initial build on the main thread: ${Math.round(performance.now() - loadStarted)} ms`);
  const pool = new PdqLookupPool(index, { workers });
  const plantedOwners = new Set(planted.map((item) => item.owner));
  for (const item of planted.slice(0, 300)) index.query(item.query, radius);
  await Promise.all(planted.slice(0, 300).map((item) => pool.query(item.query, radius)));
  const sides: Record<Mode, Sample[]> = { main: [], background: [], idle: [] };
  const modes: Mode[] = ['main', 'background', 'idle'];
  for (let round = 0; round < rounds; round++) {
    for (const [order, mode] of modes.entries()) {
      if (mode !== 'idle') churnRound(index, size, churn, modes.length * round + order, plantedOwners);
      const sample = await measure(mode, index, pool, planted, 2 * workers);
      sides[mode].push(sample);
      console.log(`round ${round + 1} ${mode}: ${JSON.stringify(sample)}`);
    }
  }
  await pool.close();
  index.close();
  const results = [
    summary('rebuild() on the main thread (baseline)', sides.main),
    summary('rebuildInBackground() (builder thread)', sides.background),
    summary(`no rebuild, ${idleMs} ms (control)`, sides.idle),
  ];
  printTable(
    [
      'side',
      'wall ms (control: window)',
      'longest main-thread stall ms',
      'main lookups during',
      'pool lookups during',
      'wrong',
    ],
    results.map((r) => [
      r.name,
      r.wallMs.join(' '),
      r.longestStallMs.join(' '),
      r.mainLookupsDuring.join(' '),
      r.poolLookupsDuring.join(' '),
      r.wrong,
    ]),
  );
  const label = size % 1_000_000 === 0 ? `${size / 1_000_000}m` : String(size);
  await finishBenchmark(`index-threads-rebuild-${label}`, {
    size,
    radius,
    workers,
    churn,
    rounds,
    sides: results,
    note:
      'one process, alternating rounds on the same index; stall = longest gap between two event-loop turns of ' +
      'the main thread overlapping the rebuild; lookups counted when answered while the rebuild ran',
  });
}
