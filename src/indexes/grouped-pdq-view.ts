import { groupHits } from './group-hits.js';
import { PdqSearchView, type SharedPdqParts } from './shared-pdq-view.js';
import type { IndexHit } from './signal-index.js';

/**
 * One generation of a `SharedGroupedPdqIndex`, to post to a worker thread: the entries' PDQ
 * index (entry ids as its owners) and the table of each entry's owner, both shared memory.
 *
 * The writer stores an entry's owner (`Atomics.store`) before it adds the entry, so a searcher
 * that sees the entry (the PDQ index's header is loaded with `Atomics.load` first) sees its
 * owner; a removal tombstones the entry before it clears the owner. The table never shrinks; a
 * table that must grow is a new generation (the old one is left as it was for the searches
 * running on it).
 */
export interface SharedGroupedParts {
  /** The grouped index's generation: it changes when the entries' generation or the table changes. */
  readonly generation: number;
  readonly entries: SharedPdqParts;
  /** Owner of each entry id (0: none). */
  readonly entryOwners: Int32Array;
}

/** The owner of `entry` in a shared table (0 past its end). */
export function sharedOwnerOf(entryOwners: Int32Array, entry: number): number {
  return entry < entryOwners.length ? Atomics.load(entryOwners, entry) : 0;
}

/**
 * Answers grouped lookups from one generation of a `SharedGroupedPdqIndex` in any thread: the
 * entries within the distance, then each owner once at its nearest entry (`groupHits`).
 */
export class GroupedPdqSearchView {
  readonly generation: number;
  private readonly entries: PdqSearchView;
  private readonly entryOwners: Int32Array;

  constructor(parts: SharedGroupedParts) {
    this.generation = parts.generation;
    this.entries = new PdqSearchView(parts.entries);
    this.entryOwners = parts.entryOwners;
  }

  /** As `SharedGroupedPdqIndex.query`. @throws EngineError `SIGNAL_INVALID_HASH` for a malformed hash. */
  query(value: string, maxDistance: number): IndexHit[] {
    const { entryOwners } = this;
    return groupHits(this.entries.query(value, maxDistance), (entry) => sharedOwnerOf(entryOwners, entry));
  }
}
