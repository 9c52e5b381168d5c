import { type ChunkLayout, chunkLayout, chunkKey as importedChunkKey } from './chunk-layout.js';
import { verifySlots } from './hamming-kernels.js';
import type { HitList } from './hit-list.js';
import { maxProbeKeys, probeKeys } from './probe-keys.js';
import { candidateBatch } from './static-tables.js';
import { heapMemory, type TypedMemory } from './typed-memory.js';

/**
 * Bound once at load: under tsx (which runs the tests and benchmarks) every read of an imported
 * binding is an export-getter call, and `append` computes 16 chunk keys per add.
 */
const chunkKey = importedChunkKey;

/** What `DeltaTables.parts` hands to another thread. */
export interface DeltaTableParts {
  readonly base: number;
  readonly bits: number;
  readonly heads: Int32Array;
  readonly next: readonly Int32Array[];
}

/** The delta always uses 16 chunks: at radius 31, 17 probes per chunk. */
const deltaChunks = 16;

/** Widest delta table key: 2^16 buckets per chunk, 4 MB of heads in all. */
const maxDeltaBits = 16;

/**
 * The dynamic part of the multi-index: entries added since the static tables were built (slots
 * `[base, base + length)`), indexed at once so an add is visible to the next query. Each of 16
 * chunks keeps bucket chains: `heads[chunk][key]` is the newest entry with that key and
 * `next[chunk][entry]` the one before it. O(1) per add; the multi-index folds the delta into
 * the static tables when it passes its threshold, which keeps the chains short.
 *
 * Keys start at 8 bits and widen (re-linking the delta) whenever the delta holds more entries
 * than a table has keys, up to 16 bits, so a small delta has small tables.
 *
 * Shared (`SharedPdqIndex`): with a `capacity`, the tables are allocated once, at 16-bit keys,
 * in the given memory, and never widened, grown or reset, so that threads searching them while
 * one thread appends always follow whole chains. A head is written with `Atomics.store` after
 * its entry's `next` link (and after the entry's words and owner), and read with `Atomics.load`,
 * so a searcher that sees an entry sees all of it. A full shared delta refuses appends (`full`).
 */
export class DeltaTables {
  /** First slot covered. */
  base = 0;
  /** Entries covered: slots `[base, base + length)`. */
  length = 0;
  private layout: ChunkLayout;
  private heads: Int32Array;
  private next: Int32Array[];
  /** Entries a fixed (shared) delta holds; unbounded (growing) when undefined. */
  private readonly capacity: number | undefined;
  private readonly probes = new Uint32Array(maxProbeKeys);
  private readonly links = new Int32Array(maxProbeKeys);
  private readonly candidates = new Uint32Array(candidateBatch);
  /** Keeps the touch loads of `verifySlots` observable (see there). */
  private touched = 0;

  constructor(options: { readonly memory?: TypedMemory; readonly capacity?: number } = {}) {
    const memory = options.memory ?? heapMemory;
    this.capacity = options.capacity;
    const bits = options.capacity === undefined ? 8 : maxDeltaBits;
    this.layout = chunkLayout(deltaChunks, bits);
    this.heads = memory.i32(deltaChunks << bits);
    this.next = Array.from({ length: deltaChunks }, () => memory.i32(options.capacity ?? 0));
  }

  /** True when a fixed-capacity (shared) delta can take no more entries. */
  get full(): boolean {
    return this.capacity !== undefined && this.length >= this.capacity;
  }

  /** The arrays, for `attach` in another thread (shared memory only). */
  parts(): DeltaTableParts {
    return { base: this.base, bits: this.layout.bits[0] as number, heads: this.heads, next: [...this.next] };
  }

  /**
   * A search-only view of `parts` (shared memory: the same arrays). Its `base` is fixed; its
   * `length` is the searcher's to set from the published count before each search.
   */
  static attach(parts: DeltaTableParts): DeltaTables {
    const delta = new DeltaTables({ capacity: 0 });
    delta.layout = chunkLayout(deltaChunks, parts.bits);
    delta.heads = parts.heads;
    delta.next = [...parts.next];
    delta.base = parts.base;
    return delta;
  }

  /** Bytes held by the tables. */
  get bytes(): number {
    return this.heads.byteLength + this.next.reduce((total, next) => total + next.byteLength, 0);
  }

  /** Empties the delta; it will cover slots from `base`. Keeps its table size. */
  reset(base: number): void {
    this.heads.fill(0);
    this.base = base;
    this.length = 0;
  }

  /** Indexes the next slot, `base + length`, whose hash is at `words[8·slot..+8)`. */
  append(words: Uint32Array): void {
    const bits = this.layout.bits[0] as number;
    if (this.capacity !== undefined) {
      if (this.length >= this.capacity) throw new RangeError('the shared delta is full');
      this.link(words, this.length++);
      return;
    }
    if (this.length >= 1 << bits && bits < maxDeltaBits) this.widen(words, Math.min(maxDeltaBits, bits + 2));
    const index = this.length;
    if (index >= (this.next[0] as Int32Array).length) {
      this.next = this.next.map((next) => {
        const grown = new Int32Array(Math.max(1024, next.length * 2));
        grown.set(next);
        return grown;
      });
    }
    this.link(words, index);
    this.length++;
  }

  /**
   * As `StaticTables.search`, over the delta's slots. The chains of all probes of a chunk are
   * walked side by side, one step each per round, so that the reads of a round are independent
   * (a chain walked alone is a sequence of dependent cache misses).
   */
  search(words: Uint32Array, owners: Int32Array, query: Uint32Array, radius: number, hits: HitList): void {
    if (this.length === 0) return;
    const { starts, bits, radii } = this.layout;
    const chunkRadii = radii[radius] as readonly number[];
    const { heads, probes, links, candidates, base } = this;
    const capacity = candidates.length;
    let count = 0;
    for (let chunk = 0; chunk < deltaChunks; chunk++) {
      const chunkBits = bits[chunk] as number;
      const key = chunkKey(query, 0, starts[chunk] as number, chunkBits);
      let active = probeKeys(key, chunkBits, chunkRadii[chunk] as number, probes);
      const headBase = chunk << chunkBits;
      for (let p = 0; p < active; p++) links[p] = Atomics.load(heads, headBase | (probes[p] as number));
      const next = this.next[chunk] as Int32Array;
      while (active > 0) {
        let kept = 0;
        for (let p = 0; p < active; p++) {
          const link = links[p] as number;
          if (link === 0) continue;
          if (count === capacity) {
            this.touched ^= verifySlots(words, owners, candidates, count, query, radius, hits);
            count = 0;
          }
          candidates[count++] = base + link - 1;
          links[kept++] = next[link - 1] as number;
        }
        active = kept;
      }
    }
    this.touched ^= verifySlots(words, owners, candidates, count, query, radius, hits);
  }

  /** Re-links the current entries with `bits`-bit keys (the delta outgrew its tables). */
  private widen(words: Uint32Array, bits: number): void {
    this.layout = chunkLayout(deltaChunks, bits);
    this.heads = new Int32Array(deltaChunks << bits);
    for (let index = 0; index < this.length; index++) this.link(words, index);
  }

  private link(words: Uint32Array, index: number): void {
    const { starts, bits } = this.layout;
    const offset = (this.base + index) * 8;
    for (let chunk = 0; chunk < deltaChunks; chunk++) {
      const chunkBits = bits[chunk] as number;
      const head = (chunk << chunkBits) | chunkKey(words, offset, starts[chunk] as number, chunkBits);
      (this.next[chunk] as Int32Array)[index] = this.heads[head] as number;
      Atomics.store(this.heads, head, index + 1);
    }
  }
}
