import { type BucketHeads, bucketHeads, emptyBucket, headsBytes } from './bucket-heads.js';
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
  readonly buckets: readonly BucketHeads[];
}

/**
 * The static part of the multi-index: for each chunk, a table from chunk key to the slots holding
 * that key (`BucketHeads`: a head per key, 2^bits, holding the slot itself when the key has one
 * entry, and the slots of the buckets of two or more, ascending within a key, in `spill`). Built
 * in O(entries) per chunk by a radix sort, with no per-entry objects: 4 bytes per key plus 4 per
 * entry of a bucket of two or more (at 10M entries with 11 chunks: 448 MB of heads, about 280 MB
 * of spill).
 *
 * It covers slots `[0, size)` of the store as they were at build time; later additions live in
 * the delta tables, and removals are tombstones skipped when verifying.
 */
export class StaticTables {
  /** Slots covered: `[0, size)`. */
  size = 0;
  private layoutInUse: ChunkLayout | undefined;
  private buckets: BucketHeads[] = [];
  private readonly probes = new Uint32Array(maxProbeKeys);
  /** The head of each probe, then the spill start of each probe's bucket of two or more. */
  private readonly heads = new Int32Array(maxProbeKeys);
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
    return { layout, size: this.size, buckets: [...this.buckets] };
  }

  /**
   * Search-only tables over `parts` (from `parts()` in the thread that built them): the arrays
   * are the same memory when they are on `SharedArrayBuffer`s, nothing is copied.
   */
  static attach(parts: StaticTableParts): StaticTables {
    const tables = new StaticTables();
    tables.layoutInUse = parts.layout;
    tables.size = parts.size;
    tables.buckets = [...parts.buckets];
    return tables;
  }

  /** The layout of the current tables, if built. */
  get layout(): ChunkLayout | undefined {
    return this.layoutInUse;
  }

  /** Bytes held by the tables. */
  get bytes(): number {
    let total = 0;
    for (const table of this.buckets) total += headsBytes(table);
    return total;
  }

  /**
   * Builds every table for slots `[0, count)` of `words` with `layout`, replacing the current
   * ones. Each chunk's arrays are reused when large enough (spill arrays are allocated for
   * `capacity` slots, the store's capacity, so that they outlive the next few rebuilds; the
   * part never written stays virtual), because V8 frees a dropped array only at its next garbage
   * collection: allocating fresh tables while the old ones await collection would hold both,
   * 700 MB more at 10M entries. The sort scratch (16 bytes per entry) is the only transient
   * memory; it is held through a `WeakRef`, so that a rebuild reuses the previous one if V8 has
   * not collected it yet instead of adding a second.
   */
  rebuild(words: Uint32Array, count: number, layout: ChunkLayout, capacity: number): void {
    let scratch = this.scratch?.deref();
    if (scratch === undefined || scratch.keys.length < count) {
      scratch = chunkSortScratch(Math.max(count, capacity));
      this.scratch = new WeakRef(scratch);
    }
    for (let chunk = 0; chunk < layout.count; chunk++) {
      const bits = layout.bits[chunk] as number;
      const previous = this.buckets[chunk];
      let spill = previous?.spill;
      if (spill === undefined || spill.length < count) {
        if (previous !== undefined)
          this.buckets[chunk] = { heads: previous.heads, spill: new Int32Array(0), spilled: 0 };
        spill = this.memory.i32(Math.max(count, capacity));
      }
      sortChunk(words, count, layout.starts[chunk] as number, bits, scratch.slots, scratch);
      this.buckets[chunk] = bucketHeads(
        scratch.keys,
        scratch.slots,
        count,
        bits,
        spill,
        this.buckets[chunk],
        this.memory,
      );
    }
    this.buckets.length = layout.count;
    this.layoutInUse = layout;
    this.size = count;
  }

  /**
   * Probes every chunk at the layout's radii for `radius` and verifies each candidate against
   * the query (`query[0..8)`), recording live slots within `radius` in `hits`. Candidates are
   * verified duplicates included (see `HitList`). `radius` must be ≤ 31.
   *
   * The work is done in passes over small scratch arrays (the head of every probe, then the
   * spilled buckets, then the candidates' hashes) rather than bucket by bucket: each pass issues
   * independent memory reads that the CPU overlaps, where the nested loop would chain dependent
   * cache misses (head → spill → hash) per probe. A one-entry bucket's slot is its head, so it
   * costs one read before verification; only buckets of two or more read the spill.
   */
  search(words: Uint32Array, owners: Int32Array, query: Uint32Array, radius: number, hits: HitList): void {
    const layout = this.layoutInUse;
    if (layout === undefined || this.size === 0) return;
    const radii = layout.radii[radius] as readonly number[];
    const { probes, heads, candidates } = this;
    const capacity = candidates.length;
    let count = 0;
    let touched = 0;
    for (let chunk = 0; chunk < layout.count; chunk++) {
      const bits = layout.bits[chunk] as number;
      const key = chunkKey(query, 0, layout.starts[chunk] as number, bits);
      const probeCount = probeKeys(key, bits, radii[chunk] as number, probes);
      const table = this.buckets[chunk] as BucketHeads;
      const chunkHeads = table.heads;
      const spill = table.spill;
      // A short loop of independent loads, so that the misses overlap.
      for (let p = 0; p < probeCount; p++) heads[p] = chunkHeads[probes[p] as number] as number;
      // One-entry buckets become candidates; the spill starts of the others are kept (in `heads`,
      // below the probes still to read) and touched, so that those misses overlap too.
      if (count + probeCount > capacity) {
        touched ^= verifySlots(words, owners, candidates, count, query, radius, hits);
        count = 0;
      }
      let spilled = 0;
      for (let p = 0; p < probeCount; p++) {
        const head = heads[p] as number;
        if (head >= 0) {
          candidates[count++] = head;
        } else if (head !== emptyBucket) {
          const start = -2 - head;
          heads[spilled++] = start;
          touched ^= spill[start] as number;
        }
      }
      for (let s = 0; s < spilled; s++) {
        let e = heads[s] as number;
        for (;;) {
          if (count === capacity) {
            touched ^= verifySlots(words, owners, candidates, count, query, radius, hits);
            count = 0;
          }
          const slot = spill[e++] as number;
          if (slot >= 0) {
            candidates[count++] = slot;
          } else {
            candidates[count++] = ~slot;
            break;
          }
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
