/**
 * Exact distinct counts at bucket resolution without keeping events: per entity-feature a map
 * from each value's key (`distinctKey`: equal exactly when the JSON texts are) to the newest
 * bucket it was seen in, while the feature's bucket cells count, per bucket, the values whose
 * newest bucket it is. The distinct count over buckets `from`..`to` is then the sum of those
 * cells, read like a count. (`EntityTable.addDistinct` keeps the two in step.)
 *
 * Values whose newest bucket fell out of every window are removed when the map has doubled since
 * the last sweep, so the map holds at most about twice the values of the live window (+16).
 */
import { bucketsPerWindow } from './window.js';

/** The newest bucket of each value of one distinct feature of one entity; see the module comment. */
export class DistinctValues {
  private readonly newest = new Map<string, number>();
  private sweepAt = 16;

  /** The newest bucket `key` was recorded in, if it is still held. */
  newestOf(key: string): number | undefined {
    return this.newest.get(key);
  }

  /**
   * Records `bucket` as the newest of `key`; `newestHeld` is the newest bucket of the feature,
   * below which values more than 60 older are swept when the map has doubled.
   */
  record(key: string, bucket: number, newestHeld: number): void {
    this.newest.set(key, bucket);
    if (this.newest.size > this.sweepAt) {
      const oldest = newestHeld - bucketsPerWindow;
      for (const [held, last] of this.newest) if (last < oldest) this.newest.delete(held);
      this.sweepAt = Math.max(16, 2 * this.newest.size);
    }
  }

  /** The values still in the window of `newestHeld`, as `[key, bucket]` (for snapshots). */
  live(newestHeld: number): [string, number][] {
    const oldest = newestHeld - bucketsPerWindow;
    const entries: [string, number][] = [];
    for (const [key, bucket] of this.newest) if (bucket >= oldest) entries.push([key, bucket]);
    return entries;
  }

  /** Values restored from a snapshot (`live` output). */
  static from(entries: readonly (readonly [string, number])[]): DistinctValues {
    const values = new DistinctValues();
    for (const [key, bucket] of entries) values.newest.set(key, bucket);
    values.sweepAt = Math.max(16, 2 * values.newest.size);
    return values;
  }
}
