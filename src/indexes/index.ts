/**
 * Indexes: fast lookup of stored signal values by similarity, one `SignalIndex` contract for
 * every signal type. Indexes know no signal type: each signal's descriptor (`signals/`) creates
 * its index (`createIndex`), and `signals`' `createSignalIndex` picks it by name.
 */
export { ExactIndex } from './exact-index.js';
export { groupHits } from './group-hits.js';
export { checkOwner } from './input.js';
export { LinearPdqIndex, type LinearPdqOptions } from './linear-pdq-index.js';
export { MultiIndexPdqIndex, type MultiIndexPdqOptions, type MultiIndexPdqStats } from './multi-index-pdq-index.js';
export { PdqLookupPool, type PdqLookupPoolOptions } from './pdq-lookup-pool.js';
export { SharedGroupedPdqIndex } from './shared-grouped-pdq-index.js';
export { SharedPdqIndex, type SharedPdqOptions } from './shared-pdq-index.js';
export type { IndexHit, SignalIndex } from './signal-index.js';
