import type { SharedGroupedParts } from './grouped-pdq-view.js';
import type { SharedPdqParts } from './shared-pdq-view.js';
import type { IndexHit } from './signal-index.js';

/**
 * From the pool to a worker: a generation of one of its indexes to search from now on (the PDQ
 * index, or the grouped index `name`), or a batch of lookups in one of them.
 */
export type LookupRequest =
  | { readonly kind: 'attach'; readonly parts: SharedPdqParts }
  | { readonly kind: 'attach-grouped'; readonly name: string; readonly parts: SharedGroupedParts }
  | {
      readonly kind: 'lookup';
      readonly id: number;
      /** The grouped index to search; absent: the PDQ index. */
      readonly grouped?: string;
      readonly values: readonly string[];
      readonly maxDistance: number;
    };

/** From a worker: the hits of each value of a batch, in order, or why the batch failed. */
export type LookupReply =
  | { readonly id: number; readonly results: IndexHit[][] }
  | { readonly id: number; readonly error: { readonly code: string; readonly message: string } };
