/**
 * The state of every entity of one entity type, as rows of typed arrays rather than an object per
 * entity: an id → row map, and per row the handle of each windowed feature's bucket block (in the
 * shared `CellArena`), each all-time feature's time, when its last window empties, and each
 * distinct feature's value map. Rows of evicted entities are reused.
 *
 * Memory per active entity (V8, pointer compression): the id map entry and its key (≈ 40 B + the
 * id string), 8 B for the expiry, 4 B per windowed feature, 8 B per all-time feature and 4 B per
 * distinct feature of the type; then per windowed feature holding data one block of 16 B + 16 B
 * per pair of capacity (live buckets rounded up to a power of two, at most 64); and per distinct
 * feature holding data a map of about 100 B + 50 B per value in the window.
 */
import {
  cellsFull,
  cellsToPairs,
  extremeCells,
  findCell,
  lateBucket,
  locateCell,
  newestBucket,
  sumCells,
  writePairs,
} from './bucket-cells.js';
import { type CellArena, noBlock } from './cell-arena.js';
import { DistinctValues } from './distinct-values.js';
import { type CompiledFeature, type EntityLayout, kindFirstSeen, kindMax, kindMin } from './feature-plan.js';
import { bucketOf, bucketsPerWindow, oldestCountedBucket } from './window.js';

/** Rows of one entity type; see the module comment. Row arguments come from `rowOf`/`rowFor`. */
export class EntityTable {
  private readonly rows = new Map<string, number>();
  private readonly freeRows: number[] = [];
  private rowsUsed = 0;
  private handles = new Int32Array(0);
  private seen = new Float64Array(0);
  private expiresAt = new Float64Array(0);
  private readonly distinct: (DistinctValues | undefined)[] = [];

  constructor(
    readonly layout: EntityLayout,
    private readonly arena: CellArena,
  ) {}

  /** Entities with a row. */
  get size(): number {
    return this.rows.size;
  }

  /** Every entity's id and row. */
  entries(): IterableIterator<[string, number]> {
    return this.rows.entries();
  }

  /**
   * The two ids last found or given a row, with their rows: the engine reads dozens of features
   * of the same one or two entities of a type per event (a payment's payer and payee), and a
   * lookup in a map of hundreds of thousands of ids costs a cache miss or two each time, where
   * comparing with the id just used (usually the very same string) costs next to nothing.
   * Cleared when rows are freed (`evictIdle`).
   */
  private recentId: string | undefined;
  private recentRow = -1;
  private olderId: string | undefined;
  private olderRow = -1;

  /** The row of `id`, or −1. */
  rowOf(id: string): number {
    if (id === this.recentId) return this.recentRow;
    if (id === this.olderId) return this.olderRow;
    const row = this.rows.get(id);
    if (row === undefined) return -1;
    this.remember(id, row);
    return row;
  }

  /** The row of `id`, made empty when new. */
  rowFor(id: string): number {
    if (id === this.recentId) return this.recentRow;
    if (id === this.olderId) return this.olderRow;
    let row = this.rows.get(id);
    if (row === undefined) {
      row = this.freeRows.pop() ?? this.newRow();
      this.rows.set(id, row);
    }
    this.remember(id, row);
    return row;
  }

  private remember(id: string, row: number): void {
    this.olderId = this.recentId;
    this.olderRow = this.recentRow;
    this.recentId = id;
    this.recentRow = row;
  }

  private forgetRecent(): void {
    this.recentId = undefined;
    this.olderId = undefined;
    this.recentRow = -1;
    this.olderRow = -1;
  }

  /**
   * Adds `value` (1 for count) to, or folds it into (min, max), the bucket of `timeMs` of a
   * windowed feature. An event more than 60 buckets older than the newest held is ignored.
   */
  add(row: number, feature: CompiledFeature, timeMs: number, value: number): void {
    const bucket = bucketOf(timeMs, feature.bucketMs);
    const kind = feature.kind;
    const initial = kind === kindMin ? Number.POSITIVE_INFINITY : kind === kindMax ? Number.NEGATIVE_INFINITY : 0;
    const cell = this.locate(row, feature, bucket, initial);
    if (cell === lateBucket) return;
    const data = this.arena.data(this.handles[row * this.layout.windowedSlots + feature.slot] as number);
    const held = data[cell] as number;
    if (kind === kindMin) {
      if (value < held) data[cell] = value;
    } else if (kind === kindMax) {
      if (value > held) data[cell] = value;
    } else {
      data[cell] = held + value;
    }
    this.extend(row, bucket, feature.bucketMs);
  }

  /**
   * Records the value with `distinctKey` `key` at `timeMs` for a distinct feature: it moves to
   * this bucket when that is newer than its newest, so each value is counted once, in the bucket
   * it was last seen in.
   */
  addDistinct(row: number, feature: CompiledFeature, timeMs: number, key: string): void {
    const bucket = bucketOf(timeMs, feature.bucketMs);
    const index = row * this.layout.distinctSlots + feature.distinctSlot;
    let values = this.distinct[index];
    const previous = values?.newestOf(key);
    if (previous !== undefined && previous >= bucket) return;
    const cell = this.locate(row, feature, bucket, 0);
    if (cell === lateBucket) return;
    const handle = this.handles[row * this.layout.windowedSlots + feature.slot] as number;
    const data = this.arena.data(handle);
    const base = this.arena.base(handle);
    const capacity = this.arena.capacity(handle);
    data[cell] = (data[cell] as number) + 1;
    if (previous !== undefined) {
      const old = findCell(data, base, capacity, previous);
      if (old >= 0) data[old] = (data[old] as number) - 1;
    }
    if (values === undefined) {
      values = new DistinctValues();
      this.distinct[index] = values;
    }
    values.record(key, bucket, newestBucket(data, base, capacity));
    this.extend(row, bucket, feature.bucketMs);
  }

  /** Folds `timeMs` into a first_seen (earliest) or last_seen (latest) feature. */
  see(row: number, feature: CompiledFeature, timeMs: number): void {
    const index = row * this.layout.seenSlots + feature.slot;
    const held = this.seen[index] as number;
    const earlier = feature.kind === kindFirstSeen;
    if (Number.isNaN(held) || (earlier ? timeMs < held : timeMs > held)) this.seen[index] = timeMs;
  }

  /**
   * The feature's value as of `atMs`: windowed features aggregate the buckets
   * floor(atMs / b) − 60 … floor(atMs / b); count, sum and distinct give 0 and min and max `null`
   * when none is held; first_seen and last_seen give the time or `null`.
   */
  read(row: number, feature: CompiledFeature, atMs: number): number | null {
    if (!feature.windowed) {
      const held = this.seen[row * this.layout.seenSlots + feature.slot] as number;
      return Number.isNaN(held) ? null : held;
    }
    const handle = this.handles[row * this.layout.windowedSlots + feature.slot] as number;
    const additive = feature.kind !== kindMin && feature.kind !== kindMax;
    if (handle === noBlock) return additive ? 0 : null;
    const data = this.arena.data(handle);
    const base = this.arena.base(handle);
    const capacity = this.arena.capacity(handle);
    const to = bucketOf(atMs, feature.bucketMs);
    const from = oldestCountedBucket(to);
    if (additive) return sumCells(data, base, capacity, from, to);
    return extremeCells(data, base, capacity, from, to, feature.kind === kindMin ? 1 : -1);
  }

  /** Frees the rows of entities with nothing left in any window at `nowMs`; returns how many. */
  evictIdle(nowMs: number): number {
    this.forgetRecent();
    let evicted = 0;
    for (const [id, row] of this.rows) {
      if ((this.expiresAt[row] as number) > nowMs) continue;
      this.clearRow(row);
      this.rows.delete(id);
      this.freeRows.push(row);
      evicted++;
    }
    return evicted;
  }

  /** A windowed feature's pairs `[bucket, value, …]` (empty when it holds nothing), for snapshots. */
  pairsOf(row: number, feature: CompiledFeature): number[] {
    const handle = this.handles[row * this.layout.windowedSlots + feature.slot] as number;
    if (handle === noBlock) return [];
    return cellsToPairs(this.arena.data(handle), this.arena.base(handle), this.arena.capacity(handle));
  }

  /** The value map of a distinct feature, for snapshots. */
  distinctOf(row: number, feature: CompiledFeature): DistinctValues | undefined {
    return this.distinct[row * this.layout.distinctSlots + feature.distinctSlot];
  }

  /** Restores a windowed feature's pairs (checked with `validPairs`) and, for distinct, its values. */
  restoreWindowed(row: number, feature: CompiledFeature, pairs: readonly number[], values?: DistinctValues): void {
    const handle = this.arena.allocFor(pairs.length >> 1);
    writePairs(this.arena.data(handle), this.arena.base(handle), pairs);
    this.handles[row * this.layout.windowedSlots + feature.slot] = handle;
    if (values !== undefined) this.distinct[row * this.layout.distinctSlots + feature.distinctSlot] = values;
    this.extend(row, pairs[pairs.length - 2] as number, feature.bucketMs);
  }

  /** Restores an all-time feature's time. */
  restoreSeen(row: number, feature: CompiledFeature, timeMs: number): void {
    this.seen[row * this.layout.seenSlots + feature.slot] = timeMs;
  }

  /** The all-time feature's time, NaN when never seen (for snapshots). */
  seenOf(row: number, feature: CompiledFeature): number {
    return this.seen[row * this.layout.seenSlots + feature.slot] as number;
  }

  /** The value cell of `bucket` in the feature's block, growing the block when full; or `lateBucket`. */
  private locate(row: number, feature: CompiledFeature, bucket: number, initial: number): number {
    const index = row * this.layout.windowedSlots + feature.slot;
    let handle = this.handles[index] as number;
    const arena = this.arena;
    let cell = cellsFull;
    if (handle !== noBlock) {
      cell = locateCell(arena.data(handle), arena.base(handle), arena.capacity(handle), bucket, initial);
    }
    if (cell === cellsFull) {
      handle = arena.grow(handle);
      this.handles[index] = handle;
      cell = locateCell(arena.data(handle), arena.base(handle), arena.capacity(handle), bucket, initial);
    }
    return cell;
  }

  /** Pushes the row's expiry to when bucket `bucket` leaves the last window that reads it. */
  private extend(row: number, bucket: number, bucketMs: number): void {
    const until = (bucket + bucketsPerWindow + 1) * bucketMs;
    if (until > (this.expiresAt[row] as number)) this.expiresAt[row] = until;
  }

  private clearRow(row: number): void {
    const { windowedSlots, seenSlots, distinctSlots } = this.layout;
    for (let slot = 0; slot < windowedSlots; slot++) {
      this.arena.release(this.handles[row * windowedSlots + slot] as number);
      this.handles[row * windowedSlots + slot] = noBlock;
    }
    this.seen.fill(Number.NaN, row * seenSlots, (row + 1) * seenSlots);
    for (let slot = 0; slot < distinctSlots; slot++) this.distinct[row * distinctSlots + slot] = undefined;
    this.expiresAt[row] = Number.NEGATIVE_INFINITY;
  }

  private newRow(): number {
    const row = this.rowsUsed++;
    if (row >= this.expiresAt.length) {
      const rows = Math.max(1024, 2 * this.expiresAt.length);
      this.handles = grown(this.handles, rows * this.layout.windowedSlots, noBlock);
      this.seen = grown(this.seen, rows * this.layout.seenSlots, Number.NaN);
      this.expiresAt = grown(this.expiresAt, rows, Number.NEGATIVE_INFINITY);
    }
    return row;
  }
}

/** A copy of `array` with `length` elements, the new ones `fill`. */
function grown<T extends Int32Array | Float64Array>(array: T, length: number, fill: number): T {
  const copy = (array instanceof Int32Array ? new Int32Array(length) : new Float64Array(length)) as T;
  copy.set(array);
  copy.fill(fill, array.length);
  return copy;
}
