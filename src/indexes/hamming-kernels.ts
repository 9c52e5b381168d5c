import { removedOwner } from './entry-store.js';
import type { HitList } from './hit-list.js';

/*
 * The two inner loops of PDQ search. Both compute the same SWAR popcount as `popcount32` in
 * `signals/pdq/hamming.ts`, but with a local copy: a function imported from another module is
 * reached through an export getter under tsx (the runner of tests and benchmarks), and one
 * getter call per 32-bit word made verification about twice as slow. The conformance test
 * holds both loops to `pdqDistance`.
 */

/** Set bits in a 32-bit integer (SWAR; the same arithmetic as `popcount32`). */
function popcount(value: number): number {
  let v = value - ((value >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/**
 * Exact brute-force search: compares the query with every slot in `[from, to)` and records the
 * live ones within `radius`. The query's words are held in locals, each stored hash is read
 * once, sequentially, and its second half only when the first 128 bits are within `radius`
 * (for unrelated hashes they differ in about 64).
 */
export function scanSlots(
  words: Uint32Array,
  owners: Int32Array,
  from: number,
  to: number,
  query: Uint32Array,
  radius: number,
  hits: HitList,
): void {
  const q0 = query[0] as number;
  const q1 = query[1] as number;
  const q2 = query[2] as number;
  const q3 = query[3] as number;
  const q4 = query[4] as number;
  const q5 = query[5] as number;
  const q6 = query[6] as number;
  const q7 = query[7] as number;
  for (let slot = from, o = from * 8; slot < to; slot++, o += 8) {
    const half =
      popcount((words[o] as number) ^ q0) +
      popcount((words[o + 1] as number) ^ q1) +
      popcount((words[o + 2] as number) ^ q2) +
      popcount((words[o + 3] as number) ^ q3);
    if (half > radius) continue;
    const distance =
      half +
      popcount((words[o + 4] as number) ^ q4) +
      popcount((words[o + 5] as number) ^ q5) +
      popcount((words[o + 6] as number) ^ q6) +
      popcount((words[o + 7] as number) ^ q7);
    if (distance <= radius && owners[slot] !== removedOwner) hits.push(slot, distance);
  }
}

/**
 * Set bits in `a | b | c` counted word by word, i.e. popcount(a) + popcount(b) + popcount(c), in
 * one SWAR reduction: the 2-bit and 4-bit steps per word, then the three words' nibble counts
 * (≤ 4 each) added (≤ 12, still one nibble), so the byte step and the multiply are done once.
 */
function popcount3(a: number, b: number, c: number): number {
  a -= (a >>> 1) & 0x55555555;
  a = (a & 0x33333333) + ((a >>> 2) & 0x33333333);
  b -= (b >>> 1) & 0x55555555;
  b = (b & 0x33333333) + ((b >>> 2) & 0x33333333);
  c -= (c >>> 1) & 0x55555555;
  c = (c & 0x33333333) + ((c >>> 2) & 0x33333333);
  const sum = a + b + c;
  return Math.imul((sum & 0x0f0f0f0f) + ((sum >>> 4) & 0x0f0f0f0f), 0x01010101) >>> 24;
}

/**
 * Verifies candidates: computes the distance from the query to each of `slots[0..count)` and
 * records the live ones within `radius`. The candidates' hashes are read at random, but the
 * reads of different candidates do not depend on each other, so the CPU overlaps them.
 *
 * A candidate is first compared on its first 96 bits (one `popcount3`), which lie in one cache
 * line (the buffer is 16-byte aligned): a random candidate already differs there in about 48, and
 * the radius is at most 31 here, so only about 1 in 3,000 goes on to the other 160 bits.
 *
 * @returns the XOR of the touch loads; callers keep it (in a field) so that the compiler cannot
 * drop those loads as dead code.
 */
export function verifySlots(
  words: Uint32Array,
  owners: Int32Array,
  slots: Uint32Array,
  count: number,
  query: Uint32Array,
  radius: number,
  hits: HitList,
): number {
  const q0 = query[0] as number;
  const q1 = query[1] as number;
  const q2 = query[2] as number;
  const q3 = query[3] as number;
  const q4 = query[4] as number;
  const q5 = query[5] as number;
  const q6 = query[6] as number;
  const q7 = query[7] as number;
  // Touch pass: load each candidate's first word so that the cache misses overlap; the verify
  // loop below then reads from cache.
  let touched = 0;
  for (let i = 0; i < count; i++) touched ^= words[(slots[i] as number) * 8] as number;
  for (let i = 0; i < count; i++) {
    const slot = slots[i] as number;
    const o = slot * 8;
    const head = popcount3((words[o] as number) ^ q0, (words[o + 1] as number) ^ q1, (words[o + 2] as number) ^ q2);
    if (head > radius) continue;
    const distance =
      head +
      popcount3((words[o + 3] as number) ^ q3, (words[o + 4] as number) ^ q4, (words[o + 5] as number) ^ q5) +
      popcount((words[o + 6] as number) ^ q6) +
      popcount((words[o + 7] as number) ^ q7);
    if (distance <= radius && owners[slot] !== removedOwner) hits.push(slot, distance);
  }
  return touched;
}
