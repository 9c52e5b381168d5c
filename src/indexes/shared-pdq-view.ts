import { maxChunkRadius } from './chunk-layout.js';
import { type DeltaTableParts, DeltaTables } from './delta-tables.js';
import { scanSlots } from './hamming-kernels.js';
import { HitList } from './hit-list.js';
import { queryRadius, readPdqWords } from './input.js';
import type { IndexHit } from './signal-index.js';
import { type StaticTableParts, StaticTables } from './static-tables.js';

/** Places in a generation's header (an `Int32Array` on a `SharedArrayBuffer`). */
export const headerVersion = 0;
export const headerCount = 1;
export const headerDeltaLength = 2;
export const headerLength = 3;

/**
 * One generation of a `SharedPdqIndex`: every array on `SharedArrayBuffer`s, so that posting it
 * to a worker thread shares the memory instead of copying it. A generation's arrays are never
 * reallocated; a rebuild, or a store that must grow, makes a new generation and leaves the old
 * one untouched for the searches still running on it.
 *
 * What changes within a generation is published through `header` with `Atomics`: the writer
 * fills a slot's words and owner, links it into the delta (heads written with `Atomics.store`),
 * then stores the slot count and the delta length and adds 1 to the version; a removal writes
 * tombstones (owner 0) then adds 1 to the version. A searcher loads the version, count and delta
 * length with `Atomics.load` before searching, so every change published before its lookup
 * began is visible to it (the loads synchronise with the writer's stores).
 */
export interface SharedPdqParts {
  readonly generation: number;
  readonly header: Int32Array;
  readonly words: Uint32Array;
  readonly owners: Int32Array;
  /** Static tables over slots `[0, delta.base)`; absent before the first build. */
  readonly tables: StaticTableParts | undefined;
  readonly delta: DeltaTableParts;
}

/**
 * Answers PDQ lookups from one generation of a shared index, in any thread: static tables,
 * then the delta, then a linear scan of the slots appended past a full delta (so a lookup is
 * exact whatever the writer is doing; the scan only costs time until the next rebuild).
 */
export class PdqSearchView {
  readonly generation: number;
  private readonly header: Int32Array;
  private readonly words: Uint32Array;
  private readonly owners: Int32Array;
  private readonly tables: StaticTables | undefined;
  private readonly delta: DeltaTables;
  private readonly hits = new HitList();
  private readonly queryWords = new Uint32Array(8);

  constructor(parts: SharedPdqParts) {
    this.generation = parts.generation;
    this.header = parts.header;
    this.words = parts.words;
    this.owners = parts.owners;
    this.tables = parts.tables === undefined ? undefined : StaticTables.attach(parts.tables);
    this.delta = DeltaTables.attach(parts.delta);
  }

  /** As `SignalIndex.query`. @throws EngineError `SIGNAL_INVALID_HASH` for a malformed hash. */
  query(value: string, maxDistance: number): IndexHit[] {
    const { header, words, owners, delta, hits, queryWords } = this;
    readPdqWords(value, queryWords, 0);
    const radius = queryRadius(maxDistance);
    if (radius < 0) return [];
    Atomics.load(header, headerVersion);
    const count = Atomics.load(header, headerCount);
    delta.length = Atomics.load(header, headerDeltaLength);
    hits.reset();
    if (radius > maxChunkRadius) {
      scanSlots(words, owners, 0, count, queryWords, radius, hits);
    } else {
      this.tables?.search(words, owners, queryWords, radius, hits);
      delta.search(words, owners, queryWords, radius, hits);
      const indexed = delta.base + delta.length;
      if (indexed < count) scanSlots(words, owners, indexed, count, queryWords, radius, hits);
    }
    return hits.resolve(owners, words);
  }
}
