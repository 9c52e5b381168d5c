import { checkOwner, queryRadius } from './input.js';
import type { IndexHit, SignalIndex } from './signal-index.js';

/**
 * Index for exact-match signals (MD5, SHA-256, …): a map from value to owners. Every hit has
 * distance 0, so any `maxDistance ≥ 0` returns the owners holding the identical string. Values
 * are compared as given (callers pass values their signal type's `parse` normalised).
 *
 * Adding the same value twice for one owner makes two entries (as the PDQ indexes do), so `size`
 * counts adds minus removed entries; a query still lists the owner once.
 */
export class ExactIndex implements SignalIndex {
  readonly signalType: string;
  private readonly ownersByValue = new Map<string, number[]>();
  private readonly valuesByOwner = new Map<number, string[]>();
  private entries = 0;

  /** @param signalType the name of the exact signal type this index serves, e.g. `md5`. */
  constructor(signalType: string) {
    this.signalType = signalType;
  }

  get size(): number {
    return this.entries;
  }

  add(owner: number, value: string): void {
    checkOwner(owner);
    const owners = this.ownersByValue.get(value);
    if (owners === undefined) this.ownersByValue.set(value, [owner]);
    else owners.push(owner);
    const values = this.valuesByOwner.get(owner);
    if (values === undefined) this.valuesByOwner.set(owner, [value]);
    else values.push(value);
    this.entries++;
  }

  remove(owner: number): void {
    const values = this.valuesByOwner.get(owner);
    if (values === undefined) return;
    this.valuesByOwner.delete(owner);
    this.entries -= values.length;
    for (const value of new Set(values)) {
      const remaining = (this.ownersByValue.get(value) ?? []).filter((other) => other !== owner);
      if (remaining.length === 0) this.ownersByValue.delete(value);
      else this.ownersByValue.set(value, remaining);
    }
  }

  query(value: string, maxDistance: number): IndexHit[] {
    if (queryRadius(maxDistance) < 0) return [];
    const owners = this.ownersByValue.get(value);
    if (owners === undefined) return [];
    return [...new Set(owners)].sort((a, b) => a - b).map((owner) => ({ owner, distance: 0, value }));
  }
}
