import { maxOwner } from './input.js';
import { OwnerSlots } from './owner-slots.js';
import { heapMemory, type TypedMemory } from './typed-memory.js';

/** Owner value of a removed entry (a tombstone); real owners are ≥ 1. */
export const removedOwner = 0;

/**
 * The entries of a PDQ index, in slots: 8 × 32-bit words per slot in one contiguous
 * `Uint32Array` (the layout `hammingWords` reads), the owner of each slot in an `Int32Array`,
 * and owner → slots chains: 40 bytes per entry plus 4 per owner id, all outside the V8 heap.
 *
 * Removal writes a tombstone (owner 0) and leaves the words in place, so slot numbers held by
 * search tables stay valid; `compact()` squeezes tombstones out and renumbers slots, after
 * which the caller must rebuild anything keyed by slot.
 */
export class PdqEntryStore {
  /** Hash words, slot `s` at `[8s, 8s+8)`; only the first `count` slots are meaningful. */
  words: Uint32Array = new Uint32Array(0);
  /** Owner of each slot, `removedOwner` for a tombstone. */
  owners: Int32Array = new Int32Array(0);
  /** Slots in use (live and tombstoned). */
  count = 0;
  /** Tombstoned slots among the first `count`. */
  removed = 0;
  private readonly slots = new OwnerSlots();
  private readonly memory: TypedMemory;

  /** `memory`: where the words and owners live (shared for `SharedPdqIndex`; the owner chains stay on the heap). */
  constructor(memory: TypedMemory = heapMemory) {
    this.memory = memory;
  }

  /** Slots allocated. */
  get capacity(): number {
    return this.owners.length;
  }

  /** Live entries. */
  get live(): number {
    return this.count - this.removed;
  }

  /** Bytes held by the typed arrays. */
  get bytes(): number {
    return this.words.byteLength + this.owners.byteLength + this.slots.bytes;
  }

  /**
   * Makes room for `capacity` slots in total. Bulk loaders that know their size call this once
   * so that growth does not copy (and briefly double) hundreds of megabytes. Room that is never
   * written stays virtual: it does not count in resident memory.
   */
  reserve(capacity: number): void {
    if (capacity <= this.owners.length) return;
    const words = this.memory.u32(capacity * 8);
    words.set(this.words.subarray(0, this.count * 8));
    this.words = words;
    const owners = this.memory.i32(capacity);
    owners.set(this.owners.subarray(0, this.count));
    this.owners = owners;
    this.slots.reserve(capacity);
  }

  /**
   * Takes over `words` and `owners` (a built generation's, `count` live slots first) in place of
   * the current arrays, with no owner linked yet: the caller links `[0, count)` with `linkSlots`
   * (in steps, so that a large store does not hold its thread) before removing or adding.
   */
  adopt(words: Uint32Array, owners: Int32Array, count: number): void {
    this.words = words;
    this.owners = owners;
    this.count = count;
    this.removed = 0;
    this.slots.clear();
    this.slots.reserve(owners.length);
  }

  /** Links the owners of slots `[from, to)` (after `adopt`). */
  linkSlots(from: number, to: number): void {
    const { owners, slots } = this;
    for (let slot = from; slot < to; slot++) slots.link(owners[slot] as number, slot);
  }

  /** Appends one entry (8 words from `source` at `offset`); returns its slot. Owner must be valid. */
  add(owner: number, source: Uint32Array, offset: number): number {
    if (this.count === this.owners.length) this.reserve(grownCapacity(this.count + 1));
    const slot = this.count++;
    const { words } = this;
    for (let i = 0; i < 8; i++) words[slot * 8 + i] = source[offset + i] as number;
    this.owners[slot] = owner;
    this.slots.link(owner, slot);
    return slot;
  }

  /**
   * Appends `owners.length` entries whose words are `words[8i..8i+8)`; returns the first slot.
   * Owners must be valid.
   */
  addMany(owners: ArrayLike<number>, words: Uint32Array): number {
    const first = this.count;
    const total = first + owners.length;
    if (total > this.owners.length) this.reserve(grownCapacity(total));
    this.words.set(words.subarray(0, owners.length * 8), first * 8);
    for (let i = 0; i < owners.length; i++) {
      const owner = owners[i] as number;
      this.owners[first + i] = owner;
      this.slots.link(owner, first + i);
    }
    this.count = total;
    return first;
  }

  /** Tombstones every entry of `owner`; returns how many there were (0 for a non-owner value). */
  removeOwner(owner: number): number {
    if (!Number.isInteger(owner) || owner < 1 || owner > maxOwner) return 0;
    const taken = this.slots.take(owner);
    for (const slot of taken) this.owners[slot] = removedOwner;
    this.removed += taken.length;
    return taken.length;
  }

  /**
   * Moves live entries down over tombstones, keeping their order, and relinks owners. Slot
   * numbers change: every structure keyed by slot must be rebuilt afterwards.
   */
  compact(): void {
    if (this.removed === 0) return;
    const { words, owners } = this;
    let target = 0;
    for (let slot = 0; slot < this.count; slot++) {
      const owner = owners[slot] as number;
      if (owner === removedOwner) continue;
      if (target !== slot) {
        owners[target] = owner;
        for (let i = 0; i < 8; i++) words[target * 8 + i] = words[slot * 8 + i] as number;
      }
      target++;
    }
    this.count = target;
    this.removed = 0;
    this.slots.clear();
    for (let slot = 0; slot < target; slot++) this.slots.link(owners[slot] as number, slot);
  }
}

/**
 * Capacity to grow to when `needed` slots do not fit: half again. Growing copies the store and
 * briefly holds it twice, so it should be rare; the unused tail costs address space, not
 * resident memory (large typed arrays are zero pages until written).
 */
export function grownCapacity(needed: number): number {
  return Math.max(64, Math.ceil(needed * 1.5));
}
