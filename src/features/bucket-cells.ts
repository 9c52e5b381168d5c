/**
 * The buckets of one windowed feature of one entity: a block of doubles inside an arena
 * (`cell-arena.ts`) used as a ring, `[head, size, bucket, value, bucket, value, …]`, with room for
 * `capacity` pairs (a power of two up to 64). Logical pair i (0 = oldest) sits at physical pair
 * (head + i) mod capacity; pairs are in ascending bucket order.
 *
 * Only buckets within 60 of the newest are kept: older ones can never be read again (reads are
 * for times at or after the newest event), so they are dropped when a newer bucket opens, which
 * the ring makes O(1), and an event in such a bucket is late. At most 61 buckets are live, so
 * capacity never exceeds 64.
 *
 * Every function takes the arena's array, the block's base index and its capacity.
 */
import { bucketsPerWindow } from './window.js';

/** `locateCell`: the bucket is more than 60 older than the newest; the event is ignored. */
export const lateBucket = -1;
/** `locateCell`: no room for a new bucket; grow the block and locate again. */
export const cellsFull = -2;

/** The index in `data` of the bucket cell of logical pair `pair` (its value is the next cell). */
function at(data: Float64Array, base: number, capacity: number, pair: number): number {
  return base + 2 + 2 * (((data[base] as number) + pair) & (capacity - 1));
}

/** The newest bucket held, or −∞ when empty. */
export function newestBucket(data: Float64Array, base: number, capacity: number): number {
  const size = data[base + 1] as number;
  return size === 0 ? Number.NEGATIVE_INFINITY : (data[at(data, base, capacity, size - 1)] as number);
}

/**
 * The index in `data` of the value cell of bucket `bucket`, inserting it with `initial` when
 * absent: a newer bucket first drops every bucket more than 60 older than it. Answers
 * `lateBucket` for a bucket more than 60 older than the newest, and `cellsFull` when an insert
 * needs more capacity (after dropping, so the grown copy holds only live buckets).
 */
export function locateCell(
  data: Float64Array,
  base: number,
  capacity: number,
  bucket: number,
  initial: number,
): number {
  let size = data[base + 1] as number;
  if (size === 0) return put(data, base, capacity, 0, 0, bucket, initial);
  const last = at(data, base, capacity, size - 1);
  const newest = data[last] as number;
  if (bucket === newest) return last + 1;
  if (bucket > newest) {
    const oldest = bucket - bucketsPerWindow;
    const mask = capacity - 1;
    let head = data[base] as number;
    while (size > 0 && (data[base + 2 + 2 * head] as number) < oldest) {
      head = (head + 1) & mask;
      size--;
    }
    data[base] = head;
    data[base + 1] = size;
    if (size === capacity) return cellsFull;
    return put(data, base, capacity, size, size, bucket, initial);
  }
  if (bucket < newest - bucketsPerWindow) return lateBucket;
  let pair = size - 2;
  while (pair >= 0 && (data[at(data, base, capacity, pair)] as number) > bucket) pair--;
  if (pair >= 0 && data[at(data, base, capacity, pair)] === bucket) return at(data, base, capacity, pair) + 1;
  if (size === capacity) return cellsFull;
  for (let moved = size - 1; moved > pair; moved--) {
    const from = at(data, base, capacity, moved);
    const to = at(data, base, capacity, moved + 1);
    data[to] = data[from] as number;
    data[to + 1] = data[from + 1] as number;
  }
  return put(data, base, capacity, pair + 1, size, bucket, initial);
}

/** Writes logical pair `pair` and sets the size to `size + 1`; answers its value index. */
function put(
  data: Float64Array,
  base: number,
  capacity: number,
  pair: number,
  size: number,
  bucket: number,
  initial: number,
): number {
  const index = at(data, base, capacity, pair);
  data[index] = bucket;
  data[index + 1] = initial;
  data[base + 1] = size + 1;
  return index + 1;
}

/** Copies the pairs of one block into another with head 0 (the other must have room). */
export function copyCells(
  from: Float64Array,
  fromBase: number,
  fromCapacity: number,
  to: Float64Array,
  toBase: number,
): void {
  const size = from[fromBase + 1] as number;
  for (let pair = 0; pair < size; pair++) {
    const index = at(from, fromBase, fromCapacity, pair);
    to[toBase + 2 + 2 * pair] = from[index] as number;
    to[toBase + 3 + 2 * pair] = from[index + 1] as number;
  }
  to[toBase] = 0;
  to[toBase + 1] = size;
}

/** The index in `data` of the value cell of `bucket`, or −1 when it is not held. */
export function findCell(data: Float64Array, base: number, capacity: number, bucket: number): number {
  for (let pair = (data[base + 1] as number) - 1; pair >= 0; pair--) {
    const index = at(data, base, capacity, pair);
    const held = data[index] as number;
    if (held === bucket) return index + 1;
    if (held < bucket) return -1;
  }
  return -1;
}

/** Logical pairs with buckets in [from, to] after `pairRange`: `range[0]`..`range[1]`. */
const range = new Int32Array(2);

function pairRange(data: Float64Array, base: number, capacity: number, from: number, to: number): void {
  let last = (data[base + 1] as number) - 1;
  while (last >= 0 && (data[at(data, base, capacity, last)] as number) > to) last--;
  let first = last;
  while (first >= 0 && (data[at(data, base, capacity, first)] as number) >= from) first--;
  range[0] = first + 1;
  range[1] = last;
}

/** The sum of the values of buckets `from`..`to`, added in ascending bucket order (0 when none). */
export function sumCells(data: Float64Array, base: number, capacity: number, from: number, to: number): number {
  pairRange(data, base, capacity, from, to);
  let total = 0;
  for (let pair = range[0] as number, last = range[1] as number; pair <= last; pair++) {
    total += data[at(data, base, capacity, pair) + 1] as number;
  }
  return total;
}

/** The least (`sign` 1) or greatest (`sign` −1) value of buckets `from`..`to`; `null` when none. */
export function extremeCells(
  data: Float64Array,
  base: number,
  capacity: number,
  from: number,
  to: number,
  sign: 1 | -1,
): number | null {
  pairRange(data, base, capacity, from, to);
  let best: number | null = null;
  for (let pair = range[0] as number, last = range[1] as number; pair <= last; pair++) {
    const value = data[at(data, base, capacity, pair) + 1] as number;
    if (best === null || sign * value < sign * best) best = value;
  }
  return best;
}

/** The used pairs in ascending bucket order as a plain list `[bucket, value, …]` (for snapshots). */
export function cellsToPairs(data: Float64Array, base: number, capacity: number): number[] {
  const pairs: number[] = [];
  for (let pair = 0, size = data[base + 1] as number; pair < size; pair++) {
    const index = at(data, base, capacity, pair);
    pairs.push(data[index] as number, data[index + 1] as number);
  }
  return pairs;
}

/** Writes `pairs` (checked with `validPairs`) into a block with room for them, head 0. */
export function writePairs(data: Float64Array, base: number, pairs: readonly number[]): void {
  data[base] = 0;
  data[base + 1] = pairs.length >> 1;
  for (let i = 0; i < pairs.length; i++) data[base + 2 + i] = pairs[i] as number;
}

/**
 * True when `pairs` is a non-empty `[bucket, value, …]` list a block can hold: integer buckets,
 * ascending, all within 60 of the newest.
 */
export function validPairs(pairs: readonly number[]): boolean {
  const size = pairs.length >> 1;
  if (size === 0 || pairs.length % 2 !== 0 || size > bucketsPerWindow + 1) return false;
  const newest = pairs[2 * size - 2] as number;
  for (let pair = 0; pair < size; pair++) {
    const bucket = pairs[2 * pair] as number;
    if (!Number.isInteger(bucket) || bucket < newest - bucketsPerWindow) return false;
    if (pair > 0 && bucket <= (pairs[2 * pair - 2] as number)) return false;
  }
  return true;
}
