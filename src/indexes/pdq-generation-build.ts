import { type ChunkLayout, chunkLayout, maxChunkBits } from './chunk-layout.js';
import { removedOwner } from './entry-store.js';
import { type StaticTableParts, StaticTables } from './static-tables.js';
import { sharedMemory } from './typed-memory.js';

/** What a rebuild of a `SharedPdqIndex` starts from: the current store's arrays (shared). */
export interface GenerationInput {
  readonly words: Uint32Array;
  readonly owners: Int32Array;
  /** Slots to take: `[0, count)`; tombstoned ones are left out. */
  readonly count: number;
  /** Slots to allocate in the new store (room for the entries and the adds after the build). */
  readonly capacity: number;
  /** 16 chunks below this many entries, 11 from there (see `MultiIndexPdqOptions`). */
  readonly elevenChunksFrom: number;
}

/** A built generation, before it is published: a compacted store and static tables over it. */
export interface BuiltGeneration {
  readonly words: Uint32Array;
  readonly owners: Int32Array;
  /** Live entries copied, in slots `[0, count)`, in their old order. */
  readonly count: number;
  readonly tables: StaticTableParts | undefined;
}

/** As `MultiIndexPdqIndex`: 16 chunks below `elevenChunksFrom` entries, 11 from there. */
function chooseLayout(entries: number, elevenChunksFrom: number): ChunkLayout {
  const chunks = entries >= elevenChunksFrom ? 11 : 16;
  const tableBits = Math.min(maxChunkBits, Math.max(8, Math.ceil(Math.log2(Math.max(2, entries))) + 1));
  return chunkLayout(chunks, tableBits);
}

/**
 * Copies the live entries of `input` into new shared arrays and builds static tables over them,
 * writing nothing the input's searchers read: so it may run in a worker thread (the builder,
 * `pdq-build-worker.ts`) while other threads search the input's generation and the writer keeps
 * appending past `count` and tombstoning. Owners read as live here but removed meanwhile are the
 * writer's to tombstone again in the result (see `SharedPdqIndex.rebuildInBackground`).
 */
export function buildGeneration(input: GenerationInput): BuiltGeneration {
  const { words, owners, count } = input;
  const capacity = Math.max(input.capacity, 1);
  const newWords = sharedMemory.u32(capacity * 8);
  const newOwners = sharedMemory.i32(capacity);
  let live = 0;
  for (let slot = 0; slot < count; slot++) {
    const owner = owners[slot] as number;
    if (owner === removedOwner) continue;
    if (live === capacity) break; // cannot happen with a capacity from the live count; never overrun
    newOwners[live] = owner;
    for (let i = 0; i < 8; i++) newWords[live * 8 + i] = words[slot * 8 + i] as number;
    live++;
  }
  const tables = new StaticTables(sharedMemory);
  tables.rebuild(newWords, live, chooseLayout(live, input.elevenChunksFrom), capacity);
  return { words: newWords, owners: newOwners, count: live, tables: tables.parts() };
}
