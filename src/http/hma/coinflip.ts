import { createHash } from 'node:crypto';

/**
 * The per-request draw of HMA's sampled bank rollout. HMA 1.1.7 draws
 * `random.Random(seed).random()` once per lookup and consults only the banks whose
 * `matching_enabled_ratio` is at least the draw, so a bank at 1.0 always takes part and one at
 * 0.0 (practically) never does.
 *
 * With a `seed` the draw is deterministic: the first 53 bits of SHA-256 of the seed's UTF-8
 * bytes, scaled to [0, 1). The same seed therefore always selects the same banks, which is what
 * HMA's seed is for (one decision per piece of content), but the value differs from Python's
 * Mersenne Twister draw for the same seed. Without a seed it is `Math.random()`.
 */
export function coinflip(seed: string | undefined): number {
  if (seed === undefined) return Math.random();
  const digest = createHash('sha256').update(seed, 'utf8').digest();
  const high = digest.readUInt32BE(0) >>> 11; // 21 bits
  const low = digest.readUInt32BE(4); // 32 bits
  return (high * 2 ** 32 + low) / 2 ** 53;
}
