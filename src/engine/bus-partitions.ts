/**
 * Partition by entity in multi-node mode (docs/scaling.md, "Partitioned workers"): the bus
 * carries each event on one of a fixed number of partitions, chosen by its primary entity; a
 * worker processes a partition only while it holds that partition's lease in the shared store,
 * and rebuilds the partition's feature state from the event log when it takes it. The engine
 * knows no transport: a partition here is only a number and the owner that holds its lease.
 */

/** A partition as a worker processes it: its number and the lease owner (the worker's id). */
export interface PartitionClaim {
  readonly partition: number;
  readonly owner: string;
}

/** Where partitioned workers keep who owns which partition (PostgreSQL: lease rows on its clock). */
export interface PartitionLeases {
  /**
   * Records `partitions` as the deployment's partition count when none is recorded, and makes
   * one lease row per partition; `null` (an unpartitioned node) checks that none is recorded.
   *
   * @throws EngineError `BUS_PARTITIONS_MISMATCH` when the store records another count (or one
   *   for an unpartitioned node).
   */
  configure(partitions: number | null): Promise<void>;
  /**
   * Marks `owner` alive for `ttlMs` and extends its unexpired leases by `ttlMs`. Resolves with the
   * partitions it still holds (one whose lease expired is no longer among them, even when nobody
   * took it yet) and its fair share: the partition count over the workers alive, rounded up.
   */
  renew(owner: string, ttlMs: number): Promise<{ held: number[]; share: number }>;
  /** Takes up to `count` partitions nobody holds (free or expired) for `ttlMs`; resolves with them. */
  claim(owner: string, ttlMs: number, count: number): Promise<number[]>;
  /** Gives `partitions` back (only those `owner` holds), so that another worker may take them now. */
  release(owner: string, partitions: readonly number[]): Promise<void>;
  /** Gives every partition of `owner` back and forgets it (a worker that stops cleanly). */
  leave(owner: string): Promise<void>;
  /**
   * Raises the epoch of `partition`'s features, which `owner` is about to rebuild from the log,
   * and resolves with the new epoch. It waits for every commit that share-locked the lease row
   * (batches that used the old features), so the rebuild reads them; later ones fail.
   *
   * @throws EngineError `BUS_PARTITION_LOST` when `owner` does not hold the lease.
   */
  raiseStateEpoch(owner: string, partition: number): Promise<number>;
}
