import { type PdqHash, pdqHashToWords } from './pdq-hash.js';

/** Number of set bits in a 32-bit integer (SWAR, branch-free). */
export function popcount32(value: number): number {
  let v = value - ((value >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) as number;
}

/**
 * Hamming distance between two 256-bit hashes held as 8 × 32-bit words at the given offsets.
 * This is the inner loop of matching: no allocation, no branches, 8 XOR + popcount steps.
 */
export function hammingWords(a: Uint32Array, aOffset: number, b: Uint32Array, bOffset: number): number {
  return (
    popcount32((a[aOffset] as number) ^ (b[bOffset] as number)) +
    popcount32((a[aOffset + 1] as number) ^ (b[bOffset + 1] as number)) +
    popcount32((a[aOffset + 2] as number) ^ (b[bOffset + 2] as number)) +
    popcount32((a[aOffset + 3] as number) ^ (b[bOffset + 3] as number)) +
    popcount32((a[aOffset + 4] as number) ^ (b[bOffset + 4] as number)) +
    popcount32((a[aOffset + 5] as number) ^ (b[bOffset + 5] as number)) +
    popcount32((a[aOffset + 6] as number) ^ (b[bOffset + 6] as number)) +
    popcount32((a[aOffset + 7] as number) ^ (b[bOffset + 7] as number))
  );
}

/** Hamming distance (number of differing bits, 0..256) between two PDQ hashes. */
export function pdqDistance(a: PdqHash, b: PdqHash): number {
  return hammingWords(pdqHashToWords(a), 0, pdqHashToWords(b), 0);
}
