import { EngineError } from '../core/index.js';
import { type ChunkLayout, chunkLayout, maxChunkBits, maxChunkRadius } from './chunk-layout.js';
import { DeltaTables } from './delta-tables.js';
import { PdqEntryStore } from './entry-store.js';
import { scanSlots } from './hamming-kernels.js';
import { HitList } from './hit-list.js';
import { checkOwner, queryRadius, readPdqWords } from './input.js';
import { checkBatch } from './linear-pdq-index.js';
import type { IndexHit, SignalIndex } from './signal-index.js';
import { StaticTables } from './static-tables.js';

/** Spare capacity kept for growth (see `reserve`). */
const headroomFactor = 1.25;

/** Tuning of a `MultiIndexPdqIndex`; the defaults are what `bench/pdq-index.ts` measured best. */
export interface MultiIndexPdqOptions {
  /**
   * Chunks per hash: 16 (16-bit keys, probed at ≤ 1 flip) or 11 (23–24-bit keys, ≤ 2 flips).
   * By default chosen at each (re)build from the number of entries: 11 from `elevenChunksFrom`.
   */
  readonly chunks?: 11 | 16;
  /**
   * Entries from which a (re)build uses 11 chunks; default 1,500,000 (measured: the two are
   * equally fast at 1M, where 16 chunks use less memory; 11 chunks are 1.6× faster at 2M).
   */
  readonly elevenChunksFrom?: number;
  /** Cap on static table key bits (1..24); default ⌈log2 entries⌉ + 1 (8..24) at each build. */
  readonly tableBits?: number;
  /**
   * The delta (adds since the last build) and the tombstones are each folded into a rebuild
   * once they exceed max(`rebuildMinimum`, `rebuildFraction` × entries); defaults 50,000 and 0.02
   * (a 200k-entry delta adds about 0.15 ms to a query at 10M entries; 500k about 0.35 ms).
   */
  readonly rebuildMinimum?: number;
  readonly rebuildFraction?: number;
}

/** What a multi-index currently holds, for logs, metrics and benchmarks. */
export interface MultiIndexPdqStats {
  readonly entries: number;
  readonly staticEntries: number;
  readonly deltaEntries: number;
  readonly tombstones: number;
  /** Chunks of the static tables (0 before the first build). */
  readonly chunks: number;
  /** Key bits of the widest static table. */
  readonly tableBits: number;
  readonly rebuilds: number;
  /** Adds (or removals) the delta (or tombstones) may hold before the next query rebuilds. */
  readonly rebuildThreshold: number;
  /** Bytes of typed arrays held (hashes, owners, tables). */
  readonly bytes: number;
}

/**
 * The stats of a multi-index PDQ index from its parts: one reading for the plain index and the
 * shared one (`SharedPdqIndex`), which are built of the same parts.
 */
export function pdqIndexStats(
  store: PdqEntryStore,
  tables: StaticTables,
  delta: DeltaTables,
  rebuilds: number,
  rebuildThreshold: number,
): MultiIndexPdqStats {
  const layout = tables.layout;
  return {
    entries: store.live,
    staticEntries: tables.size,
    deltaEntries: store.count - tables.size,
    tombstones: store.removed,
    chunks: layout?.count ?? 0,
    tableBits: layout === undefined ? 0 : Math.max(...layout.bits),
    rebuilds,
    rebuildThreshold,
    bytes: store.bytes + tables.bytes + delta.bytes,
  };
}

/**
 * The PDQ index Prevail matches with: exact multi-index hashing (see `chunk-layout.ts`), exact
 * for radius ≤ 31 by the pigeonhole argument, and a linear scan, still exact, for larger radii.
 *
 * Entries live in a `PdqEntryStore`; static chunk tables (`StaticTables`) cover the slots present
 * at the last build, a `DeltaTables` covers those added since, and removals are tombstones.
 * Every change is visible to the next query. When the delta or the tombstones outgrow their
 * threshold the index is marked stale and the next chunk search rebuilds it first
 * (compacting tombstones away): O(entries), a few seconds at 10M entries.
 *
 * Bulk loading: `reserve(n)`, then `addMany` in batches, then `rebuild()` (or let the first
 * query do it). `addMany` never inserts into the delta once the batch would overflow it, so a
 * 10M load costs one build, not a rebuild every few percent.
 */
export class MultiIndexPdqIndex implements SignalIndex {
  readonly signalType = 'pdq';
  private readonly store = new PdqEntryStore();
  private readonly tables = new StaticTables();
  private readonly delta = new DeltaTables();
  private readonly hits = new HitList();
  private readonly queryWords = new Uint32Array(8);
  private readonly options: Required<Omit<MultiIndexPdqOptions, 'chunks' | 'tableBits'>> & {
    chunks: 11 | 16 | undefined;
    tableBits: number | undefined;
  };
  /** True when the tables miss entries (the delta overflowed): rebuild before the next chunk search. */
  private stale = false;
  private rebuilds = 0;

  /** @throws EngineError `CONFIG_INVALID` for an option out of range. */
  constructor(options: MultiIndexPdqOptions = {}) {
    checkOptions(options);
    this.options = {
      chunks: options.chunks,
      tableBits: options.tableBits,
      elevenChunksFrom: options.elevenChunksFrom ?? 1_500_000,
      rebuildMinimum: options.rebuildMinimum ?? 50_000,
      rebuildFraction: options.rebuildFraction ?? 0.02,
    };
  }

  get size(): number {
    return this.store.live;
  }

  /** Current shape and memory of the index. */
  get stats(): MultiIndexPdqStats {
    return pdqIndexStats(this.store, this.tables, this.delta, this.rebuilds, this.threshold());
  }

  /**
   * Makes room for `entries` entries plus a quarter more, so that neither a bulk load nor the
   * adds and rebuilds after it copy the store (a copy briefly holds it twice: 360 MB at 10M).
   * The spare room is address space only until used: untouched pages are not resident.
   */
  reserve(entries: number): void {
    this.store.reserve(Math.ceil(entries * headroomFactor) + this.options.rebuildMinimum);
  }

  /** @throws EngineError `SIGNAL_INVALID_HASH` for a malformed hash, `INTERNAL` for a bad owner. */
  add(owner: number, value: string): void {
    checkOwner(owner);
    readPdqWords(value, this.queryWords, 0);
    this.store.add(owner, this.queryWords, 0);
    this.indexNewSlots();
  }

  /**
   * Bulk add: entry `i` is `owners[i]` with hash words `words[8i..8i+8)` (`pdqHashToWords`
   * layout), without hex parsing.
   *
   * @throws EngineError `INTERNAL` when an owner is invalid or `words` is too short; nothing is added then.
   */
  addMany(owners: ArrayLike<number>, words: Uint32Array): void {
    checkBatch(owners, words);
    this.store.addMany(owners, words);
    this.indexNewSlots();
  }

  remove(owner: number): void {
    if (this.store.removeOwner(owner) > 0 && this.store.removed > this.threshold()) this.stale = true;
  }

  /**
   * Builds the static tables over every entry now (compacting tombstones), emptying the delta.
   * Called by the first query after the index went stale; loaders call it after a bulk load.
   *
   * The store keeps room for a full delta past the entries (growing by a quarter when it has
   * less), so the adds until the next rebuild never copy it, and the tables reuse their arrays
   * (sized to the store's capacity), so a rebuild allocates only its sort scratch.
   */
  rebuild(): void {
    const { store } = this;
    store.compact();
    if (store.capacity < store.count + this.threshold() + 1) {
      store.reserve(Math.ceil(store.count * headroomFactor) + this.threshold() + 1);
    }
    this.tables.rebuild(store.words, store.count, this.chooseLayout(store.count), store.capacity);
    this.delta.reset(store.count);
    this.stale = false;
    this.rebuilds++;
  }

  /** @throws EngineError `SIGNAL_INVALID_HASH` for a malformed query hash. */
  query(value: string, maxDistance: number): IndexHit[] {
    readPdqWords(value, this.queryWords, 0);
    const radius = queryRadius(maxDistance);
    if (radius < 0) return [];
    const { store, hits, queryWords } = this;
    hits.reset();
    if (radius > maxChunkRadius) {
      scanSlots(store.words, store.owners, 0, store.count, queryWords, radius, hits);
    } else {
      if (this.stale) this.rebuild();
      this.tables.search(store.words, store.owners, queryWords, radius, hits);
      this.delta.search(store.words, store.owners, queryWords, radius, hits);
    }
    return hits.resolve(store.owners, store.words);
  }

  /** Puts slots added since the last call into the delta, or marks the index stale when it would overflow. */
  private indexNewSlots(): void {
    if (this.stale) return;
    const { store, delta } = this;
    if (store.count - this.tables.size > this.threshold()) {
      this.stale = true;
      return;
    }
    while (delta.base + delta.length < store.count) delta.append(store.words);
  }

  private threshold(): number {
    return Math.max(this.options.rebuildMinimum, Math.floor(this.options.rebuildFraction * this.store.live));
  }

  /**
   * 16 chunks below `elevenChunksFrom` entries, 11 from there (measured crossover); keys of
   * ⌈log2 entries⌉ + 1 bits (8..24) but no longer than the chunk, so that a bucket holds about
   * half an entry on average (about one for 23-bit chunks at 10M entries).
   */
  private chooseLayout(entries: number): ChunkLayout {
    const chunks = this.options.chunks ?? (entries >= this.options.elevenChunksFrom ? 11 : 16);
    const tableBits =
      this.options.tableBits ?? Math.min(maxChunkBits, Math.max(8, Math.ceil(Math.log2(Math.max(2, entries))) + 1));
    return chunkLayout(chunks, tableBits);
  }
}

/** Rejects options that would break the index or its exactness. */
function checkOptions(options: MultiIndexPdqOptions): void {
  const problems: string[] = [];
  if (options.chunks !== undefined && options.chunks !== 11 && options.chunks !== 16)
    problems.push('chunks is 11 or 16');
  if (
    options.tableBits !== undefined &&
    !(Number.isInteger(options.tableBits) && options.tableBits >= 1 && options.tableBits <= maxChunkBits)
  ) {
    problems.push(`tableBits is an integer in 1..${maxChunkBits}`);
  }
  if (options.elevenChunksFrom !== undefined && !(options.elevenChunksFrom >= 0))
    problems.push('elevenChunksFrom is ≥ 0');
  if (options.rebuildMinimum !== undefined && !(options.rebuildMinimum >= 1)) problems.push('rebuildMinimum is ≥ 1');
  if (options.rebuildFraction !== undefined && !(options.rebuildFraction >= 0 && options.rebuildFraction <= 1)) {
    problems.push('rebuildFraction is in 0..1');
  }
  if (problems.length > 0) throw new EngineError('CONFIG_INVALID', `multi-index options: ${problems.join('; ')}`);
}
