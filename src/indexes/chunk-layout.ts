/**
 * How the multi-index cuts a 256-bit hash into chunks (Norouzi, Punjani and Fleet, "Fast Exact
 * Search in Hamming Space with Multi-Index Hashing", TPAMI 2014).
 *
 * The 256 bits are split into `count` disjoint chunks of near-equal length. Pigeonhole: if two
 * hashes differ in at most r bits and chunk i is probed with every key within s_i flips of the
 * query's chunk, then some chunk finds the pair as long as Σ (s_i + 1) > r (otherwise every chunk
 * differs by ≥ s_i + 1 bits and the distance would exceed r). So the search is exact.
 *
 * Each chunk indexes only its first `bits[i]` bits (`tableBits` caps them), so that small
 * indexes get small tables: a truncated chunk differs by no more than the whole chunk, so the
 * pigeonhole argument still holds, only with more candidates per probe.
 *
 * Bit b of a hash is bit (b mod 32) of word ⌊b/32⌋ in the `pdqHashToWords` layout.
 */
export interface ChunkLayout {
  /** Number of chunks, m. */
  readonly count: number;
  /** First bit of each chunk. */
  readonly starts: readonly number[];
  /** Indexed bits of each chunk (≤ 24): the chunk's table has 2^bits keys. */
  readonly bits: readonly number[];
  /** Probe radius per chunk for each query radius 0..maxRadius (−1: chunk not probed). */
  readonly radii: readonly (readonly number[])[];
}

/** Largest query radius the chunk search serves; beyond it indexes scan linearly. */
export const maxChunkRadius = 31;

/** Longest chunk key a table may use (2^24 + 1 offsets = 64 MB per table). */
export const maxChunkBits = 24;

/**
 * The layout with `count` chunks whose keys are capped at `tableBits` bits.
 *
 * @param count number of chunks; 11 to 32 (fewer would need chunk keys above 24 bits)
 * @param tableBits cap on key length, 1..24
 */
export function chunkLayout(count: number, tableBits: number): ChunkLayout {
  if (!Number.isInteger(count) || count < 11 || count > 32) throw new RangeError(`chunk count ${count}`);
  if (!Number.isInteger(tableBits) || tableBits < 1 || tableBits > maxChunkBits) {
    throw new RangeError(`table bits ${tableBits}`);
  }
  const starts: number[] = [];
  const bits: number[] = [];
  const longer = 256 % count;
  let start = 0;
  for (let i = 0; i < count; i++) {
    const length = Math.floor(256 / count) + (i < longer ? 1 : 0);
    starts.push(start);
    bits.push(Math.min(length, tableBits));
    start += length;
  }
  const radii: number[][] = [];
  for (let radius = 0; radius <= maxChunkRadius; radius++) radii.push(probeRadii(bits, radius));
  return { count, starts, bits, radii };
}

/**
 * Per-chunk probe radii for a query radius: s = ⌊r/m⌋ everywhere, then lowered by one on the
 * m(s+1) − (r+1) chunks with the most probes, which keeps Σ (s_i + 1) = r + 1 (exact) while
 * probing as little as possible. At r = 31 with 16 chunks every chunk gets s = 1; at r = 5
 * only 6 chunks are probed, at s = 0.
 */
export function probeRadii(bits: readonly number[], radius: number): number[] {
  const count = bits.length;
  const base = Math.floor(radius / count);
  const radii = bits.map(() => base);
  let excess = count * (base + 1) - (radius + 1);
  const byCost = bits.map((length, index) => ({ length, index })).sort((a, b) => b.length - a.length);
  for (const { index } of byCost) {
    if (excess === 0) break;
    radii[index] = base - 1;
    excess--;
  }
  return radii;
}

/** Number of keys within `radius` flips of a `bits`-bit key: Σ_{k≤radius} C(bits, k). */
export function probeCount(bits: number, radius: number): number {
  let total = 0;
  let binomial = 1;
  for (let k = 0; k <= radius; k++) {
    total += binomial;
    binomial = (binomial * (bits - k)) / (k + 1);
  }
  return total;
}

/**
 * The `bits`-bit key of the chunk starting at bit `start` of the hash at `words[offset..+8)`.
 * A chunk may straddle two words.
 */
export function chunkKey(words: Uint32Array, offset: number, start: number, bits: number): number {
  const word = offset + (start >>> 5);
  const shift = start & 31;
  let value = (words[word] as number) >>> shift;
  if (shift + bits > 32) value |= (words[word + 1] as number) << (32 - shift);
  return (value & ((1 << bits) - 1)) >>> 0;
}
