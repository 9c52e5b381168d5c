/**
 * Writes every `bits`-bit key within `radius` flips of `key` into `out` (the key itself first,
 * then one flip, then two); returns how many. Radius −1 writes nothing. The multi-index probes
 * at most two flips per chunk (radius ≤ 31 over ≥ 11 chunks), so `out` needs at most
 * 1 + 24 + 276 = 301 places; larger radii are refused.
 */
export function probeKeys(key: number, bits: number, radius: number, out: Uint32Array): number {
  if (radius < 0) return 0;
  if (radius > 2) throw new RangeError(`probe radius ${radius} > 2`);
  let length = 0;
  out[length++] = key;
  if (radius === 0) return length;
  for (let i = 0; i < bits; i++) {
    const once = (key ^ (1 << i)) >>> 0;
    out[length++] = once;
    if (radius === 2) for (let j = 0; j < i; j++) out[length++] = (once ^ (1 << j)) >>> 0;
  }
  return length;
}

/** Room `probeKeys` needs for any chunk of up to 24 bits at radius ≤ 2. */
export const maxProbeKeys = 1 + 24 + (24 * 23) / 2;
