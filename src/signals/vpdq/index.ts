import { EngineError } from '../../core/index.js';
import type { SignalType } from '../signal-type.js';
import { parseCppVpdq } from './cpp-format.js';
import { formatPytxVpdq, parsePytxVpdq, type VpdqSignalText } from './pytx-format.js';
import type { VpdqFeature } from './vpdq-feature.js';
import { compareVpdq, vpdqDistanceOf } from './vpdq-match.js';

/**
 * Reads a vPDQ signal in any form Prevail knows and returns it in the stored form
 * (python-threatexchange's string, see `VpdqSignalText`): that string itself, its pre-1.0 object
 * form, or the C++ tools' `frame,quality,hex,timestamp` lines.
 *
 * @throws EngineError `SIGNAL_INVALID_HASH` for malformed text or a signal with no frame.
 */
export function parseVpdqSignal(text: string): VpdqSignalText {
  return formatPytxVpdq(readVpdqFeatures(text));
}

/** The features of a vPDQ signal in any form `parseVpdqSignal` reads. */
export function readVpdqFeatures(text: string): VpdqFeature[] {
  const trimmed = text.trim();
  const features = /^[[{]/.test(trimmed) ? parsePytxVpdq(trimmed) : parseCppVpdq(trimmed);
  if (features.length === 0) throw new EngineError('SIGNAL_INVALID_HASH', 'a vPDQ signal holds at least one frame');
  return features;
}

/**
 * vPDQ: Meta's video PDQ, a bag of per-frame PDQ hashes. Two videos match when enough of each
 * one's unique frames of quality ≥ 50 lie within PDQ distance 31 of the other's (80 % both ways
 * by default; see `compareVpdq`). Frame order is ignored, so a re-encoded or trimmed copy still
 * matches; a large overlay or letterbox bars do not.
 *
 * A vPDQ value is a set, not a point, so its `distance` is derived from the two match
 * percentages: `100 − min(query %, compared %)`, with default threshold 20 (80 % both ways).
 * Lookups in banks go through `VpdqIndex`, which reports both percentages.
 */
export const vpdqSignal: SignalType<VpdqSignalText> = {
  name: 'vpdq',
  contentTypes: ['video'],
  description: 'vPDQ: PDQ of video frames (match when ≥ 80 % of unique good frames match both ways)',
  parse: parseVpdqSignal,
  distance: (a, b) => vpdqDistanceOf(compareVpdq(readVpdqFeatures(a), readVpdqFeatures(b))),
  defaultThreshold: 20,
};

export { formatCppVpdq, parseCppVpdq } from './cpp-format.js';
export { fixedDecimals, pythonShortFloat } from './decimal-text.js';
export { hashFrame, hashFrames } from './frame-hasher.js';
export { formatPytxVpdq, parsePytxVpdq, type VpdqSignalText } from './pytx-format.js';
export type { VpdqFeature } from './vpdq-feature.js';
export {
  compareVpdq,
  defaultVpdqDistanceThreshold,
  defaultVpdqMatchPercent,
  defaultVpdqQualityThreshold,
  isVpdqMatch,
  matchableFrames,
  percent,
  type VpdqComparison,
  type VpdqMatchOptions,
  vpdqDistanceOf,
} from './vpdq-match.js';
