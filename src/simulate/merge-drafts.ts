import type { PaymentRecord } from '../payments/index.js';
import type { Consequence, Reactor } from './behaviours/pass-through.js';
import { finishPayment, type PaymentDraft } from './payment-draft.js';

/** What the merge needs to turn drafts into the scenario's records. */
export interface MergeOptions {
  /** Each source yields drafts in non-decreasing `at`. */
  readonly sources: readonly Iterator<PaymentDraft>[];
  /** Reactors by the account they watch (as payee). */
  readonly reactors: ReadonlyMap<string, Reactor>;
  /** Records outside [windowStart, windowEnd) are dropped (local days spill over the UTC edges). */
  readonly windowStart: number;
  readonly windowEnd: number;
  /** The transaction id of the `sequence`-th record emitted (0-based). */
  readonly idOf: (sequence: number) => string;
}

interface Entry {
  at: number;
  /** Tie-breakers: the source (reactors come after the sources) and the entry's order within it. */
  rank: number;
  order: number;
  draft?: PaymentDraft;
  consequence?: Consequence;
}

function before(left: Entry, right: Entry): boolean {
  if (left.at !== right.at) return left.at < right.at;
  if (left.rank !== right.rank) return left.rank < right.rank;
  return left.order < right.order;
}

/** A binary min-heap of entries ordered by (at, rank, order). */
class EntryHeap {
  readonly #items: Entry[] = [];
  get size(): number {
    return this.#items.length;
  }
  push(entry: Entry): void {
    const items = this.#items;
    items.push(entry);
    let index = items.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const parentEntry = items[parent] as Entry;
      if (!before(entry, parentEntry)) break;
      items[index] = parentEntry;
      index = parent;
    }
    items[index] = entry;
  }
  pop(): Entry | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let index = 0;
    for (;;) {
      const left = index * 2 + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const leftEntry = items[left] as Entry;
      const rightEntry = items[right];
      const child = rightEntry !== undefined && before(rightEntry, leftEntry) ? right : left;
      const childEntry = items[child] as Entry;
      if (!before(childEntry, last)) break;
      items[index] = childEntry;
      index = child;
    }
    items[index] = last;
    return top;
  }
}

/**
 * Merges per-account draft streams into one stream of records sorted by UTC instant (ties broken
 * by source, then by order within the source, so the output is fully deterministic). Memory holds
 * one pending draft per source plus pending reactor payments, never the whole scenario.
 *
 * A reactor sees each emitted record paid to its account and may schedule later payments; they
 * join the same heap. A source that goes back in time is a generator bug and throws.
 */
export function* mergeDrafts(options: MergeOptions): Generator<PaymentRecord> {
  const heap = new EntryHeap();
  const sources = options.sources;
  const orders = new Array<number>(sources.length).fill(0);
  const pull = (rank: number) => {
    const source = sources[rank];
    if (source === undefined) return;
    const next = source.next();
    if (next.done === true) return;
    const order = (orders[rank] ?? 0) + 1;
    orders[rank] = order;
    heap.push({ at: next.value.at, rank, order, draft: next.value });
  };
  for (let rank = 0; rank < sources.length; rank++) pull(rank);
  let reactorOrder = 0;
  let sequence = 0;
  let lastAt = Number.NEGATIVE_INFINITY;
  for (;;) {
    const entry = heap.pop();
    if (entry === undefined) return;
    if (entry.at < lastAt) throw new Error(`payment drafts out of order at source ${entry.rank}`);
    lastAt = entry.at;
    let draft = entry.draft;
    if (entry.consequence !== undefined) draft = entry.consequence.resolve();
    else pull(entry.rank);
    if (draft === undefined || draft.at < options.windowStart || draft.at >= options.windowEnd) continue;
    const record = finishPayment(draft, options.idOf(sequence++));
    const reactor = options.reactors.get(record.payee.account);
    if (reactor !== undefined) {
      for (const consequence of reactor.onInflow(record, draft.at)) {
        heap.push({ at: consequence.at, rank: sources.length, order: reactorOrder++, consequence });
      }
    }
    yield record;
  }
}
