import { EngineError } from '../../core/index.js';
import { signalTypeByName } from '../../signals/index.js';
import { asJsonObject } from './json-body.js';
import { signalByRequestName, validateSignalValue } from './signal-names.js';
import { sortKeys } from './sorted-keys.js';

/** HMA's `SignalComparisonResult` as JSON: `[isMatch, {"distance": <number>}]`. */
export type HmaComparison = [boolean, { distance: number }];

/** Largest PDQ distance HMA's `compare_hash` calls a match (`PDQ_CONFIDENT_MATCH_THRESHOLD`). */
const pdqMatchThreshold = 31;

/**
 * `POST /m/compare`: compares pairs of hashes per signal type, as HMA 1.1.7 does for its
 * match-debugging UI, e.g. `{"pdq": [h1, h2]}` → `{"pdq": [true, {"distance": 9}]}` (distance
 * as a JSON number; a PDQ match is distance ≤ 31). Keys are answered in sorted order, under the
 * names the client used.
 *
 * Difference: HMA answers `video_md5` with 500 (its result object does not serialise); here an
 * exact type answers `[equal, {"distance": 0 or 1}]`.
 *
 * @throws EngineError `REQUEST_INVALID` / `SIGNAL_UNKNOWN` / `SIGNAL_INVALID_HASH` (all 400) with
 *   HMA's texts: `Request input was not a dict`, `Comparison hashes for <t> was not a list`,
 *   `Comparison hash list length must be exactly 2`, `No such SignalType '<t>'`,
 *   `Invalid <t> hash: <reason>`.
 */
export function compareSignals(body: unknown): Record<string, HmaComparison> {
  const request = asJsonObject(body);
  if (request === undefined) throw new EngineError('REQUEST_INVALID', 'Request input was not a dict');
  const result: Record<string, HmaComparison> = {};
  for (const [name, hashes] of Object.entries(sortKeys(request))) {
    const signal = signalByRequestName(name);
    if (signal === undefined) throw new EngineError('SIGNAL_UNKNOWN', `No such SignalType '${name}'`);
    if (!Array.isArray(hashes)) {
      throw new EngineError('REQUEST_INVALID', `Comparison hashes for ${name} was not a list`);
    }
    if (hashes.length !== 2) {
      throw new EngineError('REQUEST_INVALID', 'Comparison hash list length must be exactly 2');
    }
    const values: string[] = [];
    for (const hash of hashes) {
      const checked = validateSignalValue(signal, hash);
      if (!checked.ok) throw new EngineError('SIGNAL_INVALID_HASH', `Invalid ${name} hash: ${checked.reason}`);
      values.push(checked.value);
    }
    const type = signalTypeByName(signal.prevail);
    const distance = type.compare(type.parse(values[0] ?? ''), type.parse(values[1] ?? ''));
    const isMatch = signal.prevail === 'pdq' ? distance <= pdqMatchThreshold : distance === 0;
    result[name] = [isMatch, { distance }];
  }
  return result;
}
