/**
 * Fast lookup of stored signal values by similarity. One interface for every signal type, so
 * the matcher does not care whether an index is an exact map, a multi-index hash or a scan.
 *
 * Entries belong to an owner (a bank content id). An owner may hold several entries (a video's
 * frame hashes); `remove(owner)` removes all of them. Every implementation is held by one
 * conformance test to a brute-force scan with the signal type's `distance`.
 *
 * Changes take effect immediately: an added value is matchable, a removed one no longer
 * matches, as soon as the call returns, with no rebuild visible to callers.
 */
export interface SignalIndex {
  /** The signal type whose values this index holds, e.g. `pdq`. */
  readonly signalType: string;
  /** Number of live entries. */
  readonly size: number;
  /** Adds one value for `owner` (a positive integer). Values must already be validated. */
  add(owner: number, value: string): void;
  /** Removes every entry of `owner`; a no-op when it has none. */
  remove(owner: number): void;
  /**
   * Owners with an entry within `maxDistance` of `value`, each once, at its smallest distance,
   * ordered by distance then owner.
   */
  query(value: string, maxDistance: number): IndexHit[];
}

/** One owner found by a query. */
export interface IndexHit {
  readonly owner: number;
  readonly distance: number;
  /** The stored value that matched (for a video, the matching frame hash). */
  readonly value: string;
}
