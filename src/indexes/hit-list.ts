import { wordsToHex } from './input.js';
import type { IndexHit } from './signal-index.js';

/**
 * Collects the verified hits of one PDQ query as (slot, distance) pairs and turns them into the
 * contract's answer: each owner once, at its smallest distance, ordered by distance then owner.
 *
 * Searches may report the same slot several times (a near neighbour usually shares more than
 * one chunk with the query); deduplicating here, over the few hits, is cheaper than keeping a
 * "seen" mark per candidate, which costs a random memory access for every candidate.
 *
 * When one owner has several entries at its smallest distance, the answer shows the smallest
 * hash (in hex order), so every index returns the same `value` whatever its slot order.
 */
export class HitList {
  private slots = new Int32Array(64);
  private distances = new Int32Array(64);
  private length = 0;

  /** Forgets the hits of the previous query. */
  reset(): void {
    this.length = 0;
  }

  /** Records that live `slot` lies at `distance` from the query. */
  push(slot: number, distance: number): void {
    if (this.length === this.slots.length) {
      const slots = new Int32Array(this.length * 2);
      slots.set(this.slots);
      this.slots = slots;
      const distances = new Int32Array(this.length * 2);
      distances.set(this.distances);
      this.distances = distances;
    }
    this.slots[this.length] = slot;
    this.distances[this.length] = distance;
    this.length++;
  }

  /** The hits, resolved against the store's owners and words (which must not have changed). */
  resolve(owners: Int32Array, words: Uint32Array): IndexHit[] {
    if (this.length === 0) return [];
    const first = this.slots[0] as number;
    if (this.sameSlot(first)) {
      // The usual answer: one stored hash, found through several chunks (at the same distance).
      return [
        { owner: owners[first] as number, distance: this.distances[0] as number, value: wordsToHex(words, first * 8) },
      ];
    }
    const best = new Map<number, number>(); // owner → slot
    const bestDistance = new Map<number, number>();
    for (let i = 0; i < this.length; i++) {
      const slot = this.slots[i] as number;
      const distance = this.distances[i] as number;
      const owner = owners[slot] as number;
      const known = bestDistance.get(owner);
      if (known === undefined || distance < known) {
        best.set(owner, slot);
        bestDistance.set(owner, distance);
      } else if (distance === known) {
        const other = best.get(owner) as number;
        if (other !== slot && compareWords(words, slot * 8, other * 8) < 0) best.set(owner, slot);
      }
    }
    const hits: IndexHit[] = [];
    for (const [owner, slot] of best) {
      hits.push({ owner, distance: bestDistance.get(owner) as number, value: wordsToHex(words, slot * 8) });
    }
    return hits.sort((a, b) => a.distance - b.distance || a.owner - b.owner);
  }

  /** Whether every hit is of `slot` (then they are one hit: a slot has one distance). */
  private sameSlot(slot: number): boolean {
    for (let i = 1; i < this.length; i++) if (this.slots[i] !== slot) return false;
    return true;
  }
}

/** Compares two stored hashes as unsigned 256-bit numbers (the same order as their hex text). */
function compareWords(words: Uint32Array, a: number, b: number): number {
  for (let i = 0; i < 8; i++) {
    const difference = (words[a + i] as number) - (words[b + i] as number);
    if (difference !== 0) return difference;
  }
  return 0;
}
