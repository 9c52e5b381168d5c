import { chunkKey as importedChunkKey } from './chunk-layout.js';

/**
 * Bound once at load: under tsx (which runs the tests and benchmarks) every read of an imported
 * binding is an export-getter call, which showed up as a fifth of the build time in this loop.
 */
const chunkKey = importedChunkKey;

/** Keys up to this many bits are sorted in one counting pass (their histogram stays in cache). */
const directBits = 12;

/**
 * Reusable memory for `sortChunk`: four `Uint32Array`s of one entry per slot (16 bytes per
 * entry). A rebuild allocates it once for all chunks and drops it afterwards.
 */
export interface ChunkSortScratch {
  /** After `sortChunk`: the chunk keys in ascending order (first `count`). */
  readonly keys: Uint32Array;
  /** Where `StaticTables.rebuild` has `sortChunk` put the slots in key order (its `entries`). */
  readonly slots: Uint32Array;
  readonly otherKeys: Uint32Array;
  readonly otherSlots: Uint32Array;
}

/** Scratch for sorting `count` slots. */
export function chunkSortScratch(count: number): ChunkSortScratch {
  return {
    keys: new Uint32Array(count),
    slots: new Uint32Array(count),
    otherKeys: new Uint32Array(count),
    otherSlots: new Uint32Array(count),
  };
}

/**
 * Sorts slots `[0, count)` of `words` by their `bits`-bit chunk key starting at bit `start`
 * (stable, so ascending slots within a key): the slots go to `entries[0..count)` and the keys,
 * in the same order, to `scratch.keys`, from which `bucketHeads` builds the table.
 *
 * A plain counting sort over 24-bit keys would scatter 10M increments and writes over a 64 MB
 * histogram, a cache (and, in a VM, TLB) miss each. Keys longer than 12 bits are instead sorted
 * by a two-pass LSD radix sort whose histograms fit in cache: about 3× faster at 10M entries.
 */
export function sortChunk(
  words: Uint32Array,
  count: number,
  start: number,
  bits: number,
  entries: Uint32Array,
  scratch: ChunkSortScratch,
): void {
  const { keys, otherKeys, otherSlots } = scratch;
  if (bits <= directBits) {
    countingSort(words, count, start, bits, entries, keys);
    return;
  }
  const lowBits = bits >>> 1;
  const lowMask = (1 << lowBits) - 1;
  const lowCounts = new Uint32Array((1 << lowBits) + 1);
  const highCounts = new Uint32Array((1 << (bits - lowBits)) + 1);
  for (let slot = 0, o = 0; slot < count; slot++, o += 8) {
    const key = chunkKey(words, o, start, bits);
    keys[slot] = key;
    const low = (key & lowMask) + 1;
    const high = (key >>> lowBits) + 1;
    lowCounts[low] = (lowCounts[low] as number) + 1;
    highCounts[high] = (highCounts[high] as number) + 1;
  }
  prefixSum(lowCounts);
  prefixSum(highCounts);
  // Pass 1: by the low bits, from slot order into (otherKeys, otherSlots).
  for (let slot = 0; slot < count; slot++) {
    const key = keys[slot] as number;
    const position = lowCounts[key & lowMask] as number;
    lowCounts[key & lowMask] = position + 1;
    otherKeys[position] = key;
    otherSlots[position] = slot;
  }
  // Pass 2: by the high bits, stable, into (keys, entries): now sorted by key, then slot.
  for (let i = 0; i < count; i++) {
    const key = otherKeys[i] as number;
    const position = highCounts[key >>> lowBits] as number;
    highCounts[key >>> lowBits] = position + 1;
    keys[position] = key;
    entries[position] = otherSlots[i] as number;
  }
}

/** In-place inclusive prefix sum, used on counts shifted by one place: exclusive starts. */
function prefixSum(counts: Uint32Array): void {
  let running = 0;
  for (let i = 0; i < counts.length; i++) {
    running += counts[i] as number;
    counts[i] = running;
  }
}

/** Counting sort for short keys: histogram, prefix sums, then a backwards scatter (stable). */
function countingSort(
  words: Uint32Array,
  count: number,
  start: number,
  bits: number,
  entries: Uint32Array,
  keys: Uint32Array,
): void {
  const keyCount = 1 << bits;
  const ends = new Uint32Array(keyCount);
  for (let slot = 0, o = 0; slot < count; slot++, o += 8) {
    const key = chunkKey(words, o, start, bits);
    ends[key] = (ends[key] as number) + 1;
  }
  let running = 0;
  for (let key = 0; key < keyCount; key++) {
    running += ends[key] as number;
    ends[key] = running;
  }
  for (let slot = count - 1, o = slot * 8; slot >= 0; slot--, o -= 8) {
    const key = chunkKey(words, o, start, bits);
    const position = (ends[key] as number) - 1;
    ends[key] = position;
    entries[position] = slot;
    keys[position] = key;
  }
}
