import { setImmediate as nextTurn } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { EngineError } from '../core/index.js';
import { DeltaTables } from './delta-tables.js';
import { PdqEntryStore, removedOwner } from './entry-store.js';
import { checkOwner, readPdqWords } from './input.js';
import { checkBatch } from './linear-pdq-index.js';
import { type MultiIndexPdqOptions, type MultiIndexPdqStats, pdqIndexStats } from './multi-index-pdq-index.js';
import { type BuiltGeneration, buildGeneration, type GenerationInput } from './pdq-generation-build.js';
import {
  headerCount,
  headerDeltaLength,
  headerLength,
  headerVersion,
  PdqSearchView,
  type SharedPdqParts,
} from './shared-pdq-view.js';
import type { IndexHit, SignalIndex } from './signal-index.js';
import { StaticTables } from './static-tables.js';
import { sharedMemory } from './typed-memory.js';
import { workerEntry } from './worker-entry.js';

/** Spare capacity kept for growth, as the multi-index does. */
const headroomFactor = 1.25;

/**
 * Owners linked per event-loop turn when a background rebuild takes over its new store: a few
 * milliseconds each, so lookups on this thread wait no longer than that for the owner chains.
 */
const linkStep = 100_000;

/** Tuning of a `SharedPdqIndex`: the multi-index's, and whether it rebuilds by itself. */
export interface SharedPdqOptions extends Omit<MultiIndexPdqOptions, 'chunks' | 'tableBits'> {
  /**
   * Rebuild once the delta is full or the tombstones pass the threshold (default true), from the
   * first explicit `rebuild()` or `rebuildInBackground()` on: a bulk load (the matcher's, which
   * ends with one) is never rebuilt batch after batch. Lookups stay exact before it (the slots
   * past the delta are scanned). An automatic rebuild runs in the background (a builder thread);
   * if that thread fails, on this thread.
   */
  readonly autoRebuild?: boolean;
}

/**
 * The PDQ multi-index (the same structure and search as `MultiIndexPdqIndex`: static chunk tables,
 * a delta, tombstones) with every array on `SharedArrayBuffer`s, so that worker threads answer
 * lookups from the same memory (`PdqLookupPool`), nothing copied. This thread is the one writer.
 *
 * Changes are visible to every thread on its next lookup (see `SharedPdqParts`): adds go to an
 * append-only store and a fixed-capacity delta and are published with `Atomics`; removals are
 * tombstones in the shared owners array. Anything that would reallocate an array in place (a
 * rebuild, compacting tombstones away, or a store that must grow) instead builds a new
 * generation beside the current one and publishes it; searches running on the old generation
 * finish on it undisturbed, and a pool hands the new one to each worker before its next lookup.
 * So a rebuild never blocks or breaks a lookup running in a worker; it holds the new tables
 * beside the old ones until the old are collected (twice the memory for that while).
 *
 * `rebuildInBackground()` (and every automatic rebuild) builds the new generation in a builder
 * thread from the current one's shared arrays, which it only reads, while this thread keeps
 * answering lookups and taking changes on the current generation; it then replays the changes
 * made meanwhile onto the new one (removals first, then the entries appended since, in order)
 * and publishes it in one step, so no change is lost and lookups wait for none of the build
 * (seconds at 10M entries), only for linking the owners (in steps of `linkStep`) and the replay.
 * `rebuild()` does the same build on this thread, blocking it.
 */
export class SharedPdqIndex implements SignalIndex {
  readonly signalType = 'pdq';
  private store = new PdqEntryStore(sharedMemory);
  private tables = new StaticTables(sharedMemory);
  private delta: DeltaTables;
  private header: Int32Array;
  private generationNumber = 1;
  private view: PdqSearchView;
  private readonly queryWords = new Uint32Array(8);
  private readonly options: Required<SharedPdqOptions>;
  private rebuildTimer: NodeJS.Timeout | undefined;
  private rebuilds = 0;
  /** Set by the first `rebuild()`: automatic rebuilds start then (see `autoRebuild`). */
  private built = false;
  /** The background rebuild running, if any. */
  private building: Promise<void> | undefined;
  /** Its builder thread, while it runs (terminated by `close`). */
  private builder: Worker | undefined;
  /** Owners removed while a background rebuild runs: tombstoned again in its result. */
  private removedDuringBuild: number[] | undefined;
  private closed = false;

  constructor(options: SharedPdqOptions = {}) {
    this.options = {
      elevenChunksFrom: options.elevenChunksFrom ?? 1_500_000,
      rebuildMinimum: options.rebuildMinimum ?? 50_000,
      rebuildFraction: options.rebuildFraction ?? 0.02,
      autoRebuild: options.autoRebuild ?? true,
    };
    this.delta = new DeltaTables({ memory: sharedMemory, capacity: this.threshold() + 1 });
    this.header = sharedMemory.i32(headerLength);
    this.view = new PdqSearchView(this.parts());
  }

  get size(): number {
    return this.store.live;
  }

  /** True while a background rebuild runs (the current generation answers meanwhile). */
  get rebuilding(): boolean {
    return this.building !== undefined;
  }

  /** The current generation's number: it changes when its arrays are replaced. */
  get generation(): number {
    return this.generationNumber;
  }

  get stats(): MultiIndexPdqStats {
    return pdqIndexStats(this.store, this.tables, this.delta, this.rebuilds, this.threshold());
  }

  /** The current generation, to post to a worker (`PdqSearchView` there). */
  parts(): SharedPdqParts {
    return {
      generation: this.generationNumber,
      header: this.header,
      words: this.store.words,
      owners: this.store.owners,
      tables: this.tables.parts(),
      delta: this.delta.parts(),
    };
  }

  /** Makes room for `entries` entries plus a quarter more (a new generation if the store grows). */
  reserve(entries: number): void {
    const words = this.store.words;
    this.store.reserve(Math.ceil(entries * headroomFactor) + this.options.rebuildMinimum);
    if (this.store.words !== words) this.newGeneration();
  }

  /** @throws EngineError `SIGNAL_INVALID_HASH` for a malformed hash, `INTERNAL` for a bad owner. */
  add(owner: number, value: string): void {
    checkOwner(owner);
    readPdqWords(value, this.queryWords, 0);
    const words = this.store.words;
    this.store.add(owner, this.queryWords, 0);
    this.published(words);
  }

  /** Bulk add, as `MultiIndexPdqIndex.addMany`. */
  addMany(owners: ArrayLike<number>, words: Uint32Array): void {
    checkBatch(owners, words);
    const before = this.store.words;
    this.store.addMany(owners, words);
    this.published(before);
  }

  remove(owner: number): void {
    if (this.store.removeOwner(owner) === 0) return;
    this.removedDuringBuild?.push(owner);
    Atomics.add(this.header, headerVersion, 1);
    if (this.store.removed > this.threshold()) this.scheduleRebuild();
  }

  query(value: string, maxDistance: number): IndexHit[] {
    return this.view.query(value, maxDistance);
  }

  /**
   * Builds a new generation over the live entries (compacted into a new store, new static
   * tables, an empty delta) and publishes it, on this thread. The current generation is not
   * written to. A background rebuild running meanwhile is dropped when it finishes.
   */
  rebuild(): void {
    this.cancelTimer();
    const built = buildGeneration(this.generationInput());
    const store = new PdqEntryStore(sharedMemory);
    store.adopt(built.words, built.owners, built.count);
    store.linkSlots(0, built.count);
    this.publishBuilt(store, built);
  }

  /**
   * As `rebuild()`, with the build in a builder thread (see the class): resolves once the new
   * generation is published. Lookups and changes go on meanwhile on the current generation;
   * lookups made after it resolves (in any thread) see the new one and every change. A call while
   * one runs returns the running one.
   *
   * @throws EngineError `INTERNAL` when the builder thread fails or the index is closed (the
   *   current generation stays, unchanged and exact).
   */
  rebuildInBackground(): Promise<void> {
    if (this.building !== undefined) return this.building;
    this.cancelTimer();
    this.building = this.buildInBackground().finally(() => {
      this.building = undefined;
      this.removedDuringBuild = undefined;
      this.builder = undefined;
      // Changes made while it ran may already call for the next one.
      if (this.rebuildDue()) this.scheduleRebuild();
    });
    return this.building;
  }

  /** Stops a pending automatic rebuild (on shutdown). */
  close(): void {
    this.closed = true;
    this.cancelTimer();
    void this.builder?.terminate();
  }

  private async buildInBackground(): Promise<void> {
    if (this.closed) throw new EngineError('INTERNAL', 'the PDQ index is closed');
    const rebuildsBefore = this.rebuilds;
    const input = this.generationInput();
    this.removedDuringBuild = [];
    const built = await this.runBuilder(input);
    const store = new PdqEntryStore(sharedMemory);
    store.adopt(built.words, built.owners, built.count);
    for (let from = 0; from < built.count; from += linkStep) {
      store.linkSlots(from, Math.min(built.count, from + linkStep));
      await nextTurn();
    }
    // A `rebuild()` on this thread meanwhile replaced the store this build started from.
    if (this.closed || this.rebuilds !== rebuildsBefore) return;
    // Replay, in one step: owners removed since the build began (it may have copied them), then
    // the entries appended since (past `input.count`; those removed since are tombstones here).
    for (const owner of this.removedDuringBuild ?? []) store.removeOwner(owner);
    const current = this.store;
    for (let slot = input.count; slot < current.count; slot++) {
      const owner = current.owners[slot] as number;
      if (owner !== removedOwner) store.add(owner, current.words, slot * 8);
    }
    this.publishBuilt(store, built);
  }

  /** Runs `buildGeneration(input)` in a new builder thread. */
  private runBuilder(input: GenerationInput): Promise<BuiltGeneration> {
    const entry = workerEntry('pdq-build-worker');
    const worker = new Worker(entry.script, { eval: entry.eval, execArgv: [] });
    this.builder = worker;
    return new Promise<BuiltGeneration>((resolve, reject) => {
      let settled = false;
      const fail = (why: string) => {
        if (settled) return;
        settled = true;
        reject(new EngineError('INTERNAL', `the PDQ index builder thread failed: ${why}`));
      };
      worker.once('message', (reply: { built: BuiltGeneration } | { error: string }) => {
        if ('error' in reply) fail(reply.error);
        else {
          settled = true;
          resolve(reply.built);
        }
        void worker.terminate();
      });
      worker.once('error', (error) => fail(error.message));
      worker.once('exit', (code) => fail(`exit code ${code}`));
      worker.postMessage(input);
    });
  }

  /** What a rebuild starts from: the current store, with room for its live entries and growth. */
  private generationInput(): GenerationInput {
    const { store } = this;
    const threshold = Math.max(this.options.rebuildMinimum, Math.floor(this.options.rebuildFraction * store.live));
    return {
      words: store.words,
      owners: store.owners,
      count: store.count,
      capacity: Math.ceil(store.live * headroomFactor) + threshold + 1,
      elevenChunksFrom: this.options.elevenChunksFrom,
    };
  }

  /** Publishes `store` (linked, changes replayed) with `built`'s tables as a new generation. */
  private publishBuilt(store: PdqEntryStore, built: BuiltGeneration): void {
    this.store = store;
    this.tables = built.tables === undefined ? new StaticTables(sharedMemory) : StaticTables.attach(built.tables);
    this.delta = new DeltaTables({ memory: sharedMemory, capacity: this.threshold() + 1 });
    this.delta.reset(built.count);
    while (this.delta.base + this.delta.length < store.count && !this.delta.full) this.delta.append(store.words);
    this.rebuilds++;
    this.built = true;
    this.newGeneration();
    if (this.rebuildDue()) this.scheduleRebuild();
  }

  /** Whether the delta overflowed or the tombstones passed the threshold. */
  private rebuildDue(): boolean {
    const { delta, store } = this;
    return delta.base + delta.length < store.count || store.removed > this.threshold();
  }

  private cancelTimer(): void {
    if (this.rebuildTimer !== undefined) clearTimeout(this.rebuildTimer);
    this.rebuildTimer = undefined;
  }

  /** After appends: index what fits in the delta, publish the count, rebuild later if due. */
  private published(wordsBefore: Uint32Array): void {
    const { store, delta } = this;
    if (store.words !== wordsBefore) {
      // The store grew into new arrays: the slot numbers stand, so the tables and delta do too.
      while (delta.base + delta.length < store.count && !delta.full) delta.append(store.words);
      this.newGeneration();
    } else {
      while (delta.base + delta.length < store.count && !delta.full) delta.append(store.words);
      this.publishCounts();
    }
    if (delta.base + delta.length < store.count) this.scheduleRebuild();
  }

  private publishCounts(): void {
    Atomics.store(this.header, headerCount, this.store.count);
    Atomics.store(this.header, headerDeltaLength, this.delta.length);
    Atomics.add(this.header, headerVersion, 1);
  }

  /** A new header over the current arrays, a new generation number, a new local view. */
  private newGeneration(): void {
    this.header = sharedMemory.i32(headerLength);
    this.generationNumber++;
    this.publishCounts();
    this.view = new PdqSearchView(this.parts());
  }

  /** An automatic rebuild on a timer turn, in the background; on this thread if that fails. */
  private scheduleRebuild(): void {
    if (!this.options.autoRebuild || !this.built || this.closed) return;
    if (this.rebuildTimer !== undefined || this.building !== undefined) return;
    this.rebuildTimer = setTimeout(() => {
      this.rebuildTimer = undefined;
      this.rebuildInBackground().catch(() => {
        if (!this.closed) this.rebuild();
      });
    }, 0);
    this.rebuildTimer.unref();
  }

  private threshold(): number {
    return Math.max(this.options.rebuildMinimum, Math.floor(this.options.rebuildFraction * this.store.live));
  }
}
