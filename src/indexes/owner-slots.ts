/**
 * Owner → entry slots, memory-light: a 10M-entry index must not hold a JS `Map` of 10M owners
 * (about 80 bytes per entry). Owners are dense database ids, so the first slot of each owner
 * lives in an `Int32Array` indexed by owner, and further slots of the same owner (a video's
 * frames) form a chain through a per-slot `next` array: 8 bytes per entry plus 4 per owner id.
 *
 * Owners far above the number of entries (ids from a sparse range) would make the dense array
 * huge, so owners ≥ `denseLimit` fall back to a `Map`. Both arrays store `slot + 1`, 0 meaning
 * "none", so fresh zeroed memory is already empty.
 */
export class OwnerSlots {
  private heads = new Int32Array(0);
  private sparse = new Map<number, number>();
  private next = new Int32Array(0);

  /** Makes room for slots `0..capacity-1` (the store calls this when it grows). */
  reserve(capacity: number): void {
    if (capacity <= this.next.length) return;
    const grown = new Int32Array(capacity);
    grown.set(this.next);
    this.next = grown;
  }

  /** Records that `slot` (fresh, not yet linked) belongs to `owner`. */
  link(owner: number, slot: number): void {
    const head = this.headOf(owner);
    this.next[slot] = head;
    this.setHead(owner, slot + 1);
  }

  /**
   * The slots of `owner` (newest first), forgetting them; the caller tombstones them. Slots
   * reused by compaction are never on a chain that was not rebuilt, so the list is exact.
   */
  take(owner: number): number[] {
    const slots: number[] = [];
    let link = this.headOf(owner);
    if (link === 0) return slots;
    this.setHead(owner, 0);
    while (link !== 0) {
      slots.push(link - 1);
      link = this.next[link - 1] as number;
    }
    return slots;
  }

  /** Forgets every owner (before relinking all slots after compaction); keeps the capacity. */
  clear(): void {
    this.heads.fill(0);
    this.sparse.clear();
  }

  /** Bytes held by the typed arrays (for memory reports). */
  get bytes(): number {
    return this.heads.byteLength + this.next.byteLength;
  }

  private headOf(owner: number): number {
    if (owner < this.heads.length) return this.heads[owner] as number;
    return this.sparse.get(owner) ?? 0;
  }

  private setHead(owner: number, link: number): void {
    if (owner >= this.heads.length && owner < this.denseLimit()) this.growHeads(owner);
    if (owner < this.heads.length) {
      this.heads[owner] = link;
    } else if (link === 0) {
      this.sparse.delete(owner);
    } else {
      this.sparse.set(owner, link);
    }
  }

  /** Owner ids below this use the dense array: up to 4 ids per entry slot, at least 2^20. */
  private denseLimit(): number {
    return Math.max(1 << 20, 4 * this.next.length);
  }

  private growHeads(owner: number): void {
    const length = Math.min(this.denseLimit(), Math.max(owner + 1, Math.ceil(this.heads.length * 1.5), 1024));
    const grown = new Int32Array(length);
    grown.set(this.heads);
    // Owners kept in the sparse map that now fit the dense array move over, so lookups stay exact.
    for (const [sparseOwner, link] of this.sparse) {
      if (sparseOwner < length) {
        grown[sparseOwner] = link;
        this.sparse.delete(sparseOwner);
      }
    }
    this.heads = grown;
  }
}
