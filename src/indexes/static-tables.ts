import { type BucketOffsets, bucketBounds, bucketOffsets, offsetsBytes } from './bucket-offsets.js';
import { type ChunkLayout, chunkKey } from './chunk-layout.js';
import { type ChunkSortScratch, chunkSortScratch, sortChunk } from './chunk-sort.js';
import { verifySlots } from './hamming-kernels.js';
import type { HitList } from './hit-list.js';
import { maxProbeKeys, probeKeys } from './probe-keys.js';
import { heapMemory, type TypedMemory } from './typed-memory.js';

/**
 * Candidates are verified in batches of about this many: the cache lines a batch touches must
 * stay in cache between the touch pass and the verify pass of `verifySlots`.
 */
const verifyBatch = 512;

/** Room for candidates: a chunk adds up to ~300 probes' worth before a batch is verified. */
export const candidateBatch = 2048;

/** What `StaticTables.parts` hands to another thread. */
export interface StaticTableParts {
  readonly layout: ChunkLayout;
  readonly size: number;
  readonly offsets: readonly BucketOffsets[];
  readonly entries: readonly Uint32Array[];
}

/**
 * The static part of the multi-index: for each chunk, a compressed-sparse-row table from chunk
 * key to the slots holding that key (bucket offsets for 2^bits + 1 keys, see `BucketOffsets`,
 * and `entries`: one slot per entry, ascending within a key). Built in O(entries) per chunk by
 * a radix sort, with no per-entry objects: 4 bytes per entry per chunk plus about 2 × 2^bits
 * per chunk (at 10M entries with 11 chunks: 440 MB of entries, 224 MB of offsets).
 *
 * It covers slots `[0, size)` of the store as they were at build time; later additions live in
 * the delta tables, and removals are tombstones skipped when verifying.
 */
export class StaticTables {
  /** Slots covered: `[0, size)`. */
  size = 0;
  private layoutInUse: ChunkLayout | undefined;
  private offsets: BucketOffsets[] = [];
  private entries: Uint32Array[] = [];
  private readonly probes = new Uint32Array(maxProbeKeys);
  private readonly starts = new Uint32Array(maxProbeKeys);
  private readonly ends = new Uint32Array(maxProbeKeys);
  private readonly candidates = new Uint32Array(candidateBatch);
  /** The last sort scratch, while V8 has not collected it (see `rebuild`). */
  private scratch: WeakRef<ChunkSortScratch> | undefined;
  /** Keeps the touch loads of `search` observable, so the compiler keeps them. */
  private touched = 0;
  private readonly memory: TypedMemory;

  /** `memory`: where the tables are allocated (shared ones are built once and never rebuilt in place). */
  constructor(memory: TypedMemory = heapMemory) {
    this.memory = memory;
  }

  /** The arrays of the built tables, for `attach` in another thread (shared memory only). */
  parts(): StaticTableParts | undefined {
    const layout = this.layoutInUse;
    if (layout === undefined) return undefined;
    return { layout, size: this.size, offsets: [...this.offsets], entries: [...this.entries] };
  }

  /**
   * Search-only tables over `parts` (from `parts()` in the thread that built them): the arrays
   * are the same memory when they are on `SharedArrayBuffer`s, nothing is copied.
   */
  static attach(parts: StaticTableParts): StaticTables {
    const tables = new StaticTables();
    tables.layoutInUse = parts.layout;
    tables.size = parts.size;
    tables.offsets = [...parts.offsets];
    tables.entries = [...parts.entries];
    return tables;
  }

  /** The layout of the current tables, if built. */
  get layout(): ChunkLayout | undefined {
    return this.layoutInUse;
  }

  /** Bytes held by the tables. */
  get bytes(): number {
    let total = 0;
    for (const table of this.offsets) total += offsetsBytes(table);
    for (const table of this.entries) total += table.byteLength;
    return total;
  }

  /**
   * Builds every table for slots `[0, count)` of `words` with `layout`, replacing the current
   * ones. Each chunk's arrays are reused when large enough (entries arrays are allocated for
   * `capacity` slots, the store's capacity, so that they outlive the next few rebuilds), because
   * V8 frees a dropped array only at its next garbage collection: allocating fresh tables while
   * the old ones await collection would hold both, 660 MB more at 10M entries. The sort scratch
   * (12 bytes per entry) is the only transient memory; it is held through a `WeakRef`, so that a
   * rebuild reuses the previous one if V8 has not collected it yet instead of adding a second.
   */
  rebuild(words: Uint32Array, count: number, layout: ChunkLayout, capacity: number): void {
    let scratch = this.scratch?.deref();
    if (scratch === undefined || scratch.keys.length < count) {
      scratch = chunkSortScratch(Math.max(count, capacity));
      this.scratch = new WeakRef(scratch);
    }
    for (let chunk = 0; chunk < layout.count; chunk++) {
      const bits = layout.bits[chunk] as number;
      let entries = this.entries[chunk];
      if (entries === undefined || entries.length < count) {
        this.entries[chunk] = new Uint32Array(0);
        entries = this.memory.u32(Math.max(count, capacity));
      }
      sortChunk(words, count, layout.starts[chunk] as number, bits, entries, scratch);
      this.offsets[chunk] = bucketOffsets(scratch.keys, count, bits, this.offsets[chunk], this.memory);
      this.entries[chunk] = entries;
    }
    this.offsets.length = layout.count;
    this.entries.length = layout.count;
    this.layoutInUse = layout;
    this.size = count;
  }

  /**
   * Probes every chunk at the layout's radii for `radius` and verifies each candidate against
   * the query (`query[0..8)`), recording live slots within `radius` in `hits`. Candidates are
   * verified duplicates included (see `HitList`). `radius` must be ≤ 31.
   *
   * The work is done in passes over small scratch arrays (bucket bounds of every probe, then
   * the slots of those buckets, then their hashes) rather than bucket by bucket: each pass
   * issues independent memory reads that the CPU overlaps, where the nested loop would chain
   * three dependent cache misses (bounds → slot → hash) per probe. At 10M entries this is what
   * keeps a query under a millisecond.
   */
  search(words: Uint32Array, owners: Int32Array, query: Uint32Array, radius: number, hits: HitList): void {
    const layout = this.layoutInUse;
    if (layout === undefined || this.size === 0) return;
    const radii = layout.radii[radius] as readonly number[];
    const { probes, starts, ends, candidates } = this;
    const capacity = candidates.length;
    let count = 0;
    let touched = 0;
    for (let chunk = 0; chunk < layout.count; chunk++) {
      const bits = layout.bits[chunk] as number;
      const key = chunkKey(query, 0, layout.starts[chunk] as number, bits);
      const probeCount = probeKeys(key, bits, radii[chunk] as number, probes);
      const entries = this.entries[chunk] as Uint32Array;
      touched ^= bucketBounds(this.offsets[chunk] as BucketOffsets, probes, probeCount, starts, ends);
      // Touch the first entry of every non-empty bucket before copying any, so that the misses
      // overlap (an empty bucket reads the always-cached entries[0] instead).
      for (let p = 0; p < probeCount; p++) {
        const start = starts[p] as number;
        touched ^= entries[(ends[p] as number) > start ? start : 0] as number;
      }
      for (let p = 0; p < probeCount; p++) {
        const end = ends[p] as number;
        for (let e = starts[p] as number; e < end; e++) {
          if (count === capacity) {
            touched ^= verifySlots(words, owners, candidates, count, query, radius, hits);
            count = 0;
          }
          candidates[count++] = entries[e] as number;
        }
      }
      if (count >= verifyBatch) {
        touched ^= verifySlots(words, owners, candidates, count, query, radius, hits);
        count = 0;
      }
    }
    touched ^= verifySlots(words, owners, candidates, count, query, radius, hits);
    this.touched ^= touched;
  }
}
