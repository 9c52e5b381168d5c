import { heapMemory, type TypedMemory } from './typed-memory.js';

/** Keys per block of `BucketOffsets.blockStarts`. */
const blockKeys = 256;
const blockShift = 8;

/**
 * Where each key's bucket starts in a chunk table's `entries`, in about half the memory of a
 * plain `Uint32Array` of 2^bits + 1 offsets (the biggest part of the static tables: 448 MB at
 * 10M entries with 11 chunks, 224 MB this way).
 *
 * Offsets only grow, and a block of 256 consecutive keys rarely spans 65,536 entries, so each
 * offset is kept as its low 16 bits (`low`) and each block's first offset in full
 * (`blockStarts`, 256 KB for 24-bit keys, which stays in cache): offset(k) =
 * blockStarts[k/256] + ((low[k] − blockStarts[k/256]) mod 2^16). A table where some block
 * does span more (massively repeated chunk values) keeps the plain offsets (`wide`) instead.
 */
export interface BucketOffsets {
  /** Plain offsets, when some block spans ≥ 2^16 entries; otherwise empty. */
  readonly wide: Uint32Array;
  /** Low 16 bits of each of the 2^bits + 1 offsets (empty when `wide` is used). */
  readonly low: Uint16Array;
  /** Offset of every 256th key (empty when `wide` is used). */
  readonly blockStarts: Uint32Array;
}

/**
 * The bucket offsets of a chunk table from its keys in ascending order (`sortedKeys[0..count)`,
 * as `sortChunk` leaves them): the compact form, or plain offsets when some block of 256 keys
 * spans 2^16 entries or more. Built by one sequential walk, without a 2^bits plain array. The
 * arrays of `previous` are reused when their lengths fit, so that a rebuild does not allocate
 * (and, until V8 collects the old ones, hold twice) a few hundred megabytes.
 */
export function bucketOffsets(
  sortedKeys: Uint32Array,
  count: number,
  bits: number,
  previous?: BucketOffsets,
  memory: TypedMemory = heapMemory,
): BucketOffsets {
  const keys = 1 << bits;
  const blocks = Math.ceil(keys / blockKeys);
  const low = previous?.low.length === keys + 1 ? previous.low : memory.u16(keys + 1);
  const blockStarts = previous?.blockStarts.length === blocks + 1 ? previous.blockStarts : memory.u32(blocks + 1);
  let position = 0;
  for (let key = 0; key <= keys; key++) {
    while (position < count && (sortedKeys[position] as number) < key) position++;
    low[key] = position & 0xffff;
    if ((key & (blockKeys - 1)) === 0) {
      const block = key >>> blockShift;
      blockStarts[block] = position;
      if (block > 0 && position - (blockStarts[block - 1] as number) > 0xffff) {
        return {
          wide: plainOffsets(sortedKeys, count, bits, memory),
          low: new Uint16Array(0),
          blockStarts: new Uint32Array(0),
        };
      }
    }
  }
  if (keys % blockKeys !== 0) {
    // The last block is partial (keys < 256): its span ends at the final offset.
    if (count - (blockStarts[blocks - 1] as number) > 0xffff) {
      return {
        wide: plainOffsets(sortedKeys, count, bits, memory),
        low: new Uint16Array(0),
        blockStarts: new Uint32Array(0),
      };
    }
    blockStarts[blocks] = count;
  }
  return { wide: new Uint32Array(0), low, blockStarts };
}

/** Plain offsets (2^bits + 1) from sorted keys. */
function plainOffsets(sortedKeys: Uint32Array, count: number, bits: number, memory: TypedMemory): Uint32Array {
  const offsets = memory.u32((1 << bits) + 1);
  let position = 0;
  for (let key = 0; key < offsets.length; key++) {
    while (position < count && (sortedKeys[position] as number) < key) position++;
    offsets[key] = position;
  }
  return offsets;
}

/** Bytes held. */
export function offsetsBytes(offsets: BucketOffsets): number {
  return offsets.wide.byteLength + offsets.low.byteLength + offsets.blockStarts.byteLength;
}

/**
 * Bucket bounds of `keys[0..count)`: `starts[i]`, `ends[i]` delimit key `keys[i]`'s entries.
 *
 * A first, cheap loop touches every key's offset so that the cache misses overlap; the loop
 * that computes the bounds then finds them in cache. (One loop doing both keeps only a few
 * misses in flight: its iterations are too long for the CPU to look far ahead.)
 *
 * @returns the XOR of the touched values; callers keep it (in a field) so that the compiler
 * cannot drop the touch loads as dead code.
 */
export function bucketBounds(
  offsets: BucketOffsets,
  keys: Uint32Array,
  count: number,
  starts: Uint32Array,
  ends: Uint32Array,
): number {
  const { wide, low, blockStarts } = offsets;
  if (wide.length > 0) {
    let touched = 0;
    for (let i = 0; i < count; i++) touched ^= wide[keys[i] as number] as number;
    for (let i = 0; i < count; i++) {
      const key = keys[i] as number;
      starts[i] = wide[key] as number;
      ends[i] = wide[key + 1] as number;
    }
    return touched;
  }
  let touched = 0;
  for (let i = 0; i < count; i++) touched ^= low[keys[i] as number] as number;
  for (let i = 0; i < count; i++) {
    const key = keys[i] as number;
    const start = blockStarts[key >>> blockShift] as number;
    starts[i] = start + (((low[key] as number) - start) & 0xffff);
    const endStart = blockStarts[(key + 1) >>> blockShift] as number;
    ends[i] = endStart + (((low[key + 1] as number) - endStart) & 0xffff);
  }
  return touched;
}
