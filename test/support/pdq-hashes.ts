/** Synthetic PDQ hashes for the index tests: seeded, so every run sees the same ones. */

/** A deterministic generator of 32-bit words (mulberry32), the same on every run for a seed. */
export { mulberry32 as generator } from './mulberry32.js';

/** The 64-hex PDQ hash held in `words[offset .. offset + 8)`. */
export function hex(words: Uint32Array, offset: number): string {
  let text = '';
  for (let i = 0; i < 8; i++) text += ((words[offset + i] as number) >>> 0).toString(16).padStart(8, '0');
  return text;
}

/** A fresh 64-hex PDQ hash of eight words drawn from `next`. */
export function randomHash(next: () => number): string {
  return hex(Uint32Array.from({ length: 8 }, next), 0);
}

/** `hash` with its first `bits` bits flipped (so exactly `bits` away from it). */
export function flip(hash: string, bits: number): string {
  const digits = hash.split('').map((digit) => Number.parseInt(digit, 16));
  for (let bit = 0; bit < bits; bit++) digits[bit >> 2] = (digits[bit >> 2] as number) ^ (8 >> (bit & 3));
  return digits.map((digit) => digit.toString(16)).join('');
}
