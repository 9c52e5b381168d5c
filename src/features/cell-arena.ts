/**
 * Memory for bucket blocks (`bucket-cells.ts`) outside the garbage-collected heap: one growable
 * `Float64Array` per capacity class (1, 2, 4 … 64 pairs), handing out fixed-size blocks by index
 * and reusing freed ones.
 *
 * Why: feature state is long-lived and made of millions of tiny pieces. As JS arrays, each new
 * or grown block is allocated young, survives, and is copied by every scavenge on its way to the
 * old generation; that was a third of the store's time. Blocks in typed arrays cost 8 B per
 * double with no header and are never traced, and a block costs 16 B + 16 B per pair of capacity.
 *
 * A block is named by a handle, `block index × 8 + class`; `noBlock` (−1) means none.
 */
import { copyCells } from './bucket-cells.js';

/** The handle of no block. */
export const noBlock = -1;

/** Capacity classes: 2^class pairs, class 0 … 6 (1 … 64 pairs). */
const classCount = 7;

/** Doubles per block of `capacityClass`: head, size and two per pair. */
function stride(capacityClass: number): number {
  return 2 + 2 * (1 << capacityClass);
}

/** Fixed-size blocks of doubles by capacity class; see the module comment. */
export class CellArena {
  private readonly blocks: Float64Array[] = [];
  private readonly highWater: number[] = [];
  private readonly freed: number[][] = [];

  constructor() {
    for (let capacityClass = 0; capacityClass < classCount; capacityClass++) {
      this.blocks.push(new Float64Array(stride(capacityClass) * 64));
      this.highWater.push(0);
      this.freed.push([]);
    }
  }

  /** The array holding the block of `handle` (re-read it after any `alloc` or `grow`). */
  data(handle: number): Float64Array {
    return this.blocks[handle & 7] as Float64Array;
  }

  /** The index in `data(handle)` where the block starts. */
  base(handle: number): number {
    return (handle >> 3) * stride(handle & 7);
  }

  /** The block's capacity in pairs. */
  capacity(handle: number): number {
    return 1 << (handle & 7);
  }

  /** A new empty block with room for at least `pairs` pairs (1 … 64). */
  allocFor(pairs: number): number {
    let capacityClass = 0;
    while (1 << capacityClass < pairs) capacityClass++;
    return this.alloc(capacityClass);
  }

  /**
   * A block of twice the capacity holding the pairs of `handle` (head 0), which is freed; a
   * one-pair block for `noBlock`.
   */
  grow(handle: number): number {
    if (handle === noBlock) return this.alloc(0);
    const grown = this.alloc((handle & 7) + 1);
    copyCells(this.data(handle), this.base(handle), this.capacity(handle), this.data(grown), this.base(grown));
    this.release(handle);
    return grown;
  }

  /** Returns the block of `handle` for reuse. */
  release(handle: number): void {
    if (handle !== noBlock) (this.freed[handle & 7] as number[]).push(handle >> 3);
  }

  /** Bytes reserved by the arrays (for memory reports). */
  get bytes(): number {
    let bytes = 0;
    for (const data of this.blocks) bytes += data.byteLength;
    return bytes;
  }

  private alloc(capacityClass: number): number {
    const free = this.freed[capacityClass] as number[];
    let block = free.pop();
    if (block === undefined) {
      block = this.highWater[capacityClass] as number;
      this.highWater[capacityClass] = block + 1;
      const size = stride(capacityClass);
      const data = this.blocks[capacityClass] as Float64Array;
      if ((block + 1) * size > data.length) {
        const grown = new Float64Array(Math.max(data.length * 2, (block + 1) * size));
        grown.set(data);
        this.blocks[capacityClass] = grown;
      }
    }
    const handle = block * 8 + capacityClass;
    const data = this.blocks[capacityClass] as Float64Array;
    const base = block * stride(capacityClass);
    data[base] = 0;
    data[base + 1] = 0;
    return handle;
  }
}
