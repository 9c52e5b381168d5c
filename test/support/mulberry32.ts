/**
 * mulberry32: a tiny deterministic generator of 32-bit words, the same on every run for a seed.
 * The one copy the tests' seeded data (PDQ hashes, synthetic payers) draw from.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}
