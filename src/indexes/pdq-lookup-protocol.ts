import type { SharedPdqParts } from './shared-pdq-view.js';
import type { IndexHit } from './signal-index.js';

/** From the pool to a worker: a generation to search from now on, or a batch of lookups. */
export type LookupRequest =
  | { readonly kind: 'attach'; readonly parts: SharedPdqParts }
  | { readonly kind: 'lookup'; readonly id: number; readonly values: readonly string[]; readonly maxDistance: number };

/** From a worker: the hits of each value of a batch, in order, or why the batch failed. */
export type LookupReply =
  | { readonly id: number; readonly results: IndexHit[][] }
  | { readonly id: number; readonly error: { readonly code: string; readonly message: string } };
