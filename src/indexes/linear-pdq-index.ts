import { EngineError } from '../core/index.js';
import { PdqEntryStore } from './entry-store.js';
import { scanSlots } from './hamming-kernels.js';
import { HitList } from './hit-list.js';
import { checkOwner, queryRadius, readPdqWords } from './input.js';
import type { IndexHit, SignalIndex } from './signal-index.js';

/** Compact when tombstones exceed this share of the slots (and `compactMinimum`). */
const compactShare = 0.25;

/** Tuning of a `LinearPdqIndex`. */
export interface LinearPdqOptions {
  /** Tombstones to accumulate before compaction is considered; default 1024. */
  readonly compactMinimum?: number;
}

/**
 * Brute-force PDQ index: every query compares with every stored hash. Exact at any radius, no
 * build step, 36 bytes per entry; a query costs O(entries) (about 15 ms at 1M entries in
 * Node 20). It is the reference the multi-index is held to, and what the multi-index itself
 * uses for radii above 31, where chunk probing stops paying.
 */
export class LinearPdqIndex implements SignalIndex {
  readonly signalType = 'pdq';
  private readonly store = new PdqEntryStore();
  private readonly hits = new HitList();
  private readonly queryWords = new Uint32Array(8);
  private readonly compactMinimum: number;

  constructor(options: LinearPdqOptions = {}) {
    this.compactMinimum = options.compactMinimum ?? 1024;
  }

  get size(): number {
    return this.store.live;
  }

  /** Bytes of typed arrays held (hashes, owners, owner chains). */
  get bytes(): number {
    return this.store.bytes;
  }

  /** Makes room for `capacity` entries in total (avoids regrowth during a bulk load). */
  reserve(capacity: number): void {
    this.store.reserve(capacity);
  }

  /** @throws EngineError `SIGNAL_INVALID_HASH` for a malformed hash, `INTERNAL` for a bad owner. */
  add(owner: number, value: string): void {
    checkOwner(owner);
    readPdqWords(value, this.queryWords, 0);
    this.store.add(owner, this.queryWords, 0);
  }

  /**
   * Bulk add: entry `i` is `owners[i]` with hash words `words[8i..8i+8)` (`pdqHashToWords`
   * layout). Skips hex parsing, which dominates `add` when loading millions of stored hashes.
   *
   * @throws EngineError `INTERNAL` when an owner is invalid or `words` is too short; nothing is added then.
   */
  addMany(owners: ArrayLike<number>, words: Uint32Array): void {
    checkBatch(owners, words);
    this.store.addMany(owners, words);
  }

  remove(owner: number): void {
    if (this.store.removeOwner(owner) === 0) return;
    const { removed, count } = this.store;
    if (removed > this.compactMinimum && removed > count * compactShare) this.store.compact();
  }

  /** @throws EngineError `SIGNAL_INVALID_HASH` for a malformed query hash. */
  query(value: string, maxDistance: number): IndexHit[] {
    readPdqWords(value, this.queryWords, 0);
    const radius = queryRadius(maxDistance);
    if (radius < 0) return [];
    const { store, hits } = this;
    hits.reset();
    scanSlots(store.words, store.owners, 0, store.count, this.queryWords, radius, hits);
    return hits.resolve(store.owners, store.words);
  }
}

/**
 * Validates a bulk batch before anything is stored, so a bad batch leaves the index unchanged.
 *
 * @throws EngineError `INTERNAL` for an invalid owner or a words array shorter than 8 per owner.
 */
export function checkBatch(owners: ArrayLike<number>, words: Uint32Array): void {
  for (let i = 0; i < owners.length; i++) checkOwner(owners[i] as number);
  if (words.length < owners.length * 8) {
    throw new EngineError(
      'INTERNAL',
      `addMany needs 8 words per owner: ${owners.length} owners, ${words.length} words`,
    );
  }
}
