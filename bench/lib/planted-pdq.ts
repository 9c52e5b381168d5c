/**
 * What the lookups of `npm run bench -- index-threads` (and its `--rebuild` part) share: the
 * match radius, the batch in which random hashes are generated and loaded, and the planted query
 * (a stored hash with 1..radius bits flipped, whose owner the lookup must find).
 */
import { wordsToPdqHash } from '../../src/signals/index.js';
import { splitMix32 } from './split-mix32.js';

/** The PDQ match radius of every lookup (bits of 256 that may differ). */
export const radius = 31;

/** Random hashes are generated and added to an index this many at a time. */
export const batchSize = 100_000;

/** A planted near-duplicate: the query hash, and the owner of the stored hash it was made from. */
export interface Planted {
  readonly query: string;
  readonly owner: number;
}

/** What `loadPlanted` fills: any PDQ index of either side of a `--before` run. */
export interface LoadableIndex {
  reserve(entries: number): void;
  addMany(owners: ArrayLike<number>, words: Uint32Array): void;
  rebuild(): void;
}

/**
 * Loads the same `size` random hashes (a fixed seed, so every run and every side gets the same)
 * into every index in `indexes`, rebuilds them, and plants `queries` neighbours: stored hashes
 * with 1..radius bits flipped, each with the owner a lookup must find.
 */
export function loadPlanted(size: number, queries: number, indexes: readonly LoadableIndex[]): Planted[] {
  const random = splitMix32(20261206);
  const wanted = new Map<number, number>();
  for (let guard = 0; wanted.size < Math.min(queries, size) && guard < queries * 20; guard++) {
    const slot = random() % size;
    if (!wanted.has(slot)) wanted.set(slot, wanted.size);
  }
  const planted: Planted[] = new Array(wanted.size);
  for (const index of indexes) index.reserve(size);
  const words = new Uint32Array(batchSize * 8);
  const owners = new Int32Array(batchSize);
  for (let first = 0; first < size; first += batchSize) {
    const count = Math.min(batchSize, size - first);
    for (let i = 0; i < count * 8; i++) words[i] = random();
    for (let i = 0; i < count; i++) {
      owners[i] = first + i + 1;
      const order = wanted.get(first + i);
      if (order === undefined) continue;
      const copy = words.slice(i * 8, i * 8 + 8);
      const flips = 1 + (random() % radius);
      const flipped = new Set<number>();
      while (flipped.size < flips) flipped.add(random() % 256);
      for (const bit of flipped) copy[bit >>> 5] = ((copy[bit >>> 5] as number) ^ (1 << (bit & 31))) >>> 0;
      planted[order] = { query: wordsToPdqHash(copy), owner: first + i + 1 };
    }
    for (const index of indexes) index.addMany(owners.subarray(0, count), words.subarray(0, count * 8));
  }
  for (const index of indexes) index.rebuild();
  return planted;
}
