import { groupHits } from './group-hits.js';
import { type SharedGroupedParts, sharedOwnerOf } from './grouped-pdq-view.js';
import { checkOwner } from './input.js';
import { SharedPdqIndex, type SharedPdqOptions } from './shared-pdq-index.js';
import type { IndexHit } from './signal-index.js';
import { sharedMemory } from './typed-memory.js';

/** Entry ids the owner table first holds. */
const initialEntries = 1024;

/**
 * A PDQ index of entries that belong to owners, on shared memory, so that a `PdqLookupPool`'s
 * workers answer its lookups too: a banked video's frames, each an entry (a frame id the caller
 * allocates), owned by the video's bank content. `queryEntries` answers per entry (what vPDQ's
 * video matching counts); `query` answers per owner, each once at its nearest entry (a live
 * stream's frame looked up in the banked videos), in any thread alike (`groupHits`).
 *
 * The entries are a `SharedPdqIndex` (entry ids as its owners), with its guarantees: changes
 * visible to every thread on its next lookup, rebuilds in a builder thread that never block
 * lookups. Beside it, a shared table gives each entry's owner; it is written before an entry is
 * added and cleared after it is removed, so a lookup never sees an entry without its owner. An
 * entry id may be given again once removed; a lookup running in a worker while that happens may
 * report the new owner for the old entry's hash (one lookup, racing the change).
 */
export class SharedGroupedPdqIndex {
  /** The entries, entry ids as owners (read them with `queryEntries`). */
  private readonly entries: SharedPdqIndex;
  private entryOwners = sharedMemory.i32(initialEntries);
  private generationNumber = 1;
  /** The entries' generation this one was last counted against. */
  private entriesGeneration: number;

  constructor(options: SharedPdqOptions = {}) {
    this.entries = new SharedPdqIndex(options);
    this.entriesGeneration = this.entries.generation;
  }

  /** Live entries. */
  get size(): number {
    return this.entries.size;
  }

  /** The current generation's number: it changes when any array a worker holds is replaced. */
  get generation(): number {
    if (this.entries.generation !== this.entriesGeneration) {
      this.entriesGeneration = this.entries.generation;
      this.generationNumber++;
    }
    return this.generationNumber;
  }

  /** True while the entries' background rebuild runs. */
  get rebuilding(): boolean {
    return this.entries.rebuilding;
  }

  /** The current generation, to post to a worker (`GroupedPdqSearchView` there). */
  parts(): SharedGroupedParts {
    return { generation: this.generation, entries: this.entries.parts(), entryOwners: this.entryOwners };
  }

  /**
   * Adds entry `entry` (a positive integer, not live) holding PDQ hash `value`, owned by `owner`.
   *
   * @throws EngineError `SIGNAL_INVALID_HASH` for a malformed hash (nothing added), `INTERNAL` for
   *   a bad entry id or owner.
   */
  add(entry: number, owner: number, value: string): void {
    checkOwner(entry);
    checkOwner(owner);
    if (entry >= this.entryOwners.length) this.growTo(entry);
    Atomics.store(this.entryOwners, entry, owner);
    try {
      this.entries.add(entry, value);
    } catch (error) {
      Atomics.store(this.entryOwners, entry, 0);
      throw error;
    }
  }

  /** Removes entry `entry` (a no-op when it is not live). */
  remove(entry: number): void {
    this.entries.remove(entry);
    if (entry < this.entryOwners.length) Atomics.store(this.entryOwners, entry, 0);
  }

  /** The owner of a live entry (0 when none). */
  ownerOf(entry: number): number {
    return sharedOwnerOf(this.entryOwners, entry);
  }

  /** Entries within `maxDistance` of `value`, as `SignalIndex.query` (owners are entry ids). */
  queryEntries(value: string, maxDistance: number): IndexHit[] {
    return this.entries.query(value, maxDistance);
  }

  /**
   * Owners with an entry within `maxDistance` of `value`, each once at its nearest entry, ordered
   * by distance then owner: what a `PdqLookupPool` worker answers for this index.
   *
   * @throws EngineError `SIGNAL_INVALID_HASH` for a malformed hash.
   */
  query(value: string, maxDistance: number): IndexHit[] {
    const { entryOwners } = this;
    return groupHits(this.entries.query(value, maxDistance), (entry) => sharedOwnerOf(entryOwners, entry));
  }

  /** Makes room for `entries` entries (see `SharedPdqIndex.reserve`). */
  reserve(entries: number): void {
    this.entries.reserve(entries);
  }

  /** As `SharedPdqIndex.rebuild`: on this thread. */
  rebuild(): void {
    this.entries.rebuild();
  }

  /** As `SharedPdqIndex.rebuildInBackground`: in a builder thread. */
  rebuildInBackground(): Promise<void> {
    return this.entries.rebuildInBackground();
  }

  /** Stops a pending automatic rebuild (on shutdown). */
  close(): void {
    this.entries.close();
  }

  /** A larger owner table (a new generation: the old stays as it was for running searches). */
  private growTo(entry: number): void {
    const grown = sharedMemory.i32(Math.max(entry + 1, this.entryOwners.length * 2));
    grown.set(this.entryOwners);
    this.entryOwners = grown;
    this.generationNumber++;
  }
}
