import { EngineError } from '../../core/index.js';
import { parseCppVpdq } from './cpp-format.js';
import { formatPytxVpdq, parsePytxVpdq, type VpdqSignalText } from './pytx-format.js';
import type { VpdqFeature } from './vpdq-feature.js';

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
