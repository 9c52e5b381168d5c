/**
 * Indexes: fast lookup of stored signal values by similarity, one `SignalIndex` contract for
 * every signal type. `createSignalIndex` picks the implementation for a signal type.
 */
import { EngineError } from '../core/index.js';
import { ExactIndex } from './exact-index.js';
import { MultiIndexPdqIndex } from './multi-index-pdq-index.js';
import type { SignalIndex } from './signal-index.js';
import { VpdqIndex } from './vpdq-index.js';

export { ExactIndex } from './exact-index.js';
export { LinearPdqIndex, type LinearPdqOptions } from './linear-pdq-index.js';
export { MultiIndexPdqIndex, type MultiIndexPdqOptions, type MultiIndexPdqStats } from './multi-index-pdq-index.js';
export type { IndexHit, SignalIndex } from './signal-index.js';
export { isVpdqHit, type VpdqHit, VpdqIndex } from './vpdq-index.js';

/** Signal types whose values match only when identical. */
const exactSignalTypes = new Set(['md5', 'sha256']);

/**
 * A new, empty index for `signalType`: the multi-index for `pdq`, a `VpdqIndex` (frames in a
 * multi-index, default thresholds) for `vpdq`, an `ExactIndex` for the exact-match digests
 * (`md5`, `sha256`).
 *
 * @throws EngineError `SIGNAL_UNKNOWN` for a signal type without an index.
 */
export function createSignalIndex(signalType: string): SignalIndex {
  if (signalType === 'pdq') return new MultiIndexPdqIndex();
  if (signalType === 'vpdq') return new VpdqIndex();
  if (exactSignalTypes.has(signalType)) return new ExactIndex(signalType);
  throw new EngineError('SIGNAL_UNKNOWN', `no index for signal "${signalType}"; known: pdq, vpdq, md5, sha256`);
}
