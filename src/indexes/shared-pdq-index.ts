import { type ChunkLayout, chunkLayout, maxChunkBits } from './chunk-layout.js';
import { DeltaTables } from './delta-tables.js';
import { PdqEntryStore, removedOwner } from './entry-store.js';
import { checkOwner, readPdqWords } from './input.js';
import { checkBatch } from './linear-pdq-index.js';
import { type MultiIndexPdqOptions, type MultiIndexPdqStats, pdqIndexStats } from './multi-index-pdq-index.js';
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

/** Spare capacity kept for growth, as the multi-index does. */
const headroomFactor = 1.25;

/** Tuning of a `SharedPdqIndex`: the multi-index's, and whether it rebuilds by itself. */
export interface SharedPdqOptions extends Omit<MultiIndexPdqOptions, 'chunks' | 'tableBits'> {
  /**
   * Rebuild on a timer turn once the delta is full or the tombstones pass the threshold
   * (default true), from the first explicit `rebuild()` on: a bulk load (the matcher's, which
   * ends with one) is never rebuilt batch after batch. Lookups stay exact before it (the slots
   * past the delta are scanned).
   */
  readonly autoRebuild?: boolean;
}

/**
 * The PDQ multi-index (the same structure and search as `MultiIndexPdqIndex`: static CSR tables,
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
 * The rebuild itself still runs on this thread (seconds at 10M entries): lookups already sent
 * to workers go on, new ones wait for this thread to send them.
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
    Atomics.add(this.header, headerVersion, 1);
    if (this.store.removed > this.threshold()) this.scheduleRebuild();
  }

  query(value: string, maxDistance: number): IndexHit[] {
    return this.view.query(value, maxDistance);
  }

  /**
   * Builds a new generation over the live entries (compacted into a new store, new static
   * tables, an empty delta) and publishes it. The current generation is not written to.
   */
  rebuild(): void {
    if (this.rebuildTimer !== undefined) clearTimeout(this.rebuildTimer);
    this.rebuildTimer = undefined;
    const old = this.store;
    const store = new PdqEntryStore(sharedMemory);
    const threshold = Math.max(this.options.rebuildMinimum, Math.floor(this.options.rebuildFraction * old.live));
    store.reserve(Math.ceil(old.live * headroomFactor) + threshold + 1);
    const { words, owners } = old;
    for (let slot = 0; slot < old.count; slot++) {
      const owner = owners[slot] as number;
      if (owner !== removedOwner) store.add(owner, words, slot * 8);
    }
    const tables = new StaticTables(sharedMemory);
    tables.rebuild(store.words, store.count, this.chooseLayout(store.count), store.capacity);
    this.store = store;
    this.tables = tables;
    this.delta = new DeltaTables({ memory: sharedMemory, capacity: threshold + 1 });
    this.delta.reset(store.count);
    this.rebuilds++;
    this.built = true;
    this.newGeneration();
  }

  /** Stops a pending automatic rebuild (on shutdown). */
  close(): void {
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

  private scheduleRebuild(): void {
    if (!this.options.autoRebuild || !this.built || this.rebuildTimer !== undefined) return;
    this.rebuildTimer = setTimeout(() => {
      this.rebuildTimer = undefined;
      this.rebuild();
    }, 0);
    this.rebuildTimer.unref();
  }

  private threshold(): number {
    return Math.max(this.options.rebuildMinimum, Math.floor(this.options.rebuildFraction * this.store.live));
  }

  /** As `MultiIndexPdqIndex`: 16 chunks below `elevenChunksFrom` entries, 11 from there. */
  private chooseLayout(entries: number): ChunkLayout {
    const chunks = entries >= this.options.elevenChunksFrom ? 11 : 16;
    const tableBits = Math.min(maxChunkBits, Math.max(8, Math.ceil(Math.log2(Math.max(2, entries))) + 1));
    return chunkLayout(chunks, tableBits);
  }
}
