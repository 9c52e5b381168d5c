import { EngineError } from '../core/index.js';
import type { SignalIndex } from '../indexes/index.js';
import { md5Signal } from './md5/index.js';
import { pdqSignal } from './pdq/index.js';
import { sha256Signal } from './sha256/index.js';
import type { SignalType } from './signal-type.js';
import { tmkPdqfSignal } from './tmk/index.js';
import { vpdqDenseSignal, vpdqSignal } from './vpdq/index.js';

/** Every built-in signal type, once. Names are checked for uniqueness when this module loads. */
export const signalTypes: readonly SignalType[] = [
  pdqSignal,
  md5Signal,
  sha256Signal,
  vpdqSignal,
  vpdqDenseSignal,
  tmkPdqfSignal,
] as SignalType[];

const byName = new Map<string, SignalType>();
for (const type of signalTypes) {
  if (!/^[a-z][a-z0-9_]*$/.test(type.name))
    throw new Error(`signal name "${type.name}" is not lowercase_with_underscores`);
  if (byName.has(type.name)) throw new Error(`signal name "${type.name}" is registered twice`);
  byName.set(type.name, type);
}

/**
 * A new, empty index for values of the signal type called `name` (its descriptor's
 * `createIndex`): the PDQ multi-index for `pdq`, a `VpdqIndex` for `vpdq`, a `TmkIndex` for
 * `tmk_pdqf`, an `ExactIndex` for the digests.
 *
 * @throws EngineError `SIGNAL_UNKNOWN` for a name no descriptor has.
 */
export function createSignalIndex(name: string): SignalIndex {
  return signalTypeByName(name).createIndex();
}

/** The signal type called `name`; throws `SIGNAL_UNKNOWN` listing the known names. */
export function signalTypeByName(name: string): SignalType {
  const type = byName.get(name);
  if (type === undefined) {
    throw new EngineError('SIGNAL_UNKNOWN', `unknown signal "${name}"; known: ${[...byName.keys()].join(', ')}`);
  }
  return type;
}
