import { type Brand, EngineError } from '../../core/index.js';
import { pythonShortFloat } from './decimal-text.js';
import { checkFeature, readFloat, readInteger, type VpdqFeature } from './vpdq-feature.js';

/**
 * A vPDQ signal as Prevail stores and exchanges it: python-threatexchange's `VPDQSignal` string,
 * a JSON list of `"pdqHex,quality,timestamp"` strings written by `json.dumps` (`", "` between
 * items), timestamps as Python's `f"{ts:.3}"` (3 significant digits: `12.3`, `1e+02`). It is
 * what HMA stores and what `threatexchange` prints, so Prevail's values compare as strings with
 * theirs and export to them unchanged.
 */
export type VpdqSignalText = Brand<string, 'VpdqSignalText'>;

/**
 * Formats features as python-threatexchange's signal string (`vpdq_to_json`), byte for byte.
 *
 * @example formatPytxVpdq([{ frameNumber: 0, quality: 100, hash, timestamp: 100.5 }]) === `["${hash},100,1e+02"]`
 */
export function formatPytxVpdq(features: readonly VpdqFeature[]): VpdqSignalText {
  const items = features.map((feature) =>
    JSON.stringify(`${feature.hash},${feature.quality},${pythonShortFloat(feature.timestamp)}`),
  );
  return `[${items.join(', ')}]` as VpdqSignalText;
}

/**
 * Reads python-threatexchange's signal string (`json_to_vpdq`): a JSON list of
 * `"pdqHex,quality,timestamp"`, timestamps in any float notation Python reads (`1e+02`,
 * `9.9e+02`, `0.0333`). Also reads the older form its `OLD_json_to_vpdq` still reads, an object
 * keyed by frame number: `{"0": {"hash": …, "quality": …, "timestamp": …}}`. Frame numbers are
 * list positions (the list form has none).
 *
 * @throws EngineError `SIGNAL_INVALID_HASH` saying which item is wrong and why.
 */
export function parsePytxVpdq(text: string): VpdqFeature[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new EngineError('SIGNAL_INVALID_HASH', 'a vPDQ signal is a JSON list of "pdqHex,quality,timestamp" strings');
  }
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) return parseFrameObject(json);
  if (!Array.isArray(json)) {
    throw new EngineError('SIGNAL_INVALID_HASH', 'a vPDQ signal is a JSON list of "pdqHex,quality,timestamp" strings');
  }
  return json.map((item: unknown, position) => {
    const where = `item ${position}`;
    if (typeof item !== 'string') throw new EngineError('SIGNAL_INVALID_HASH', `vPDQ ${where} is not a string`);
    const parts = item.split(',');
    if (parts.length !== 3) {
      throw new EngineError('SIGNAL_INVALID_HASH', `vPDQ ${where} is not "pdqHex,quality,timestamp": "${short(item)}"`);
    }
    const [hash = '', quality = '', timestamp = ''] = parts;
    return checkFeature(where, {
      frameNumber: position,
      quality: readInteger(quality),
      hash,
      timestamp: readFloat(timestamp),
    });
  });
}

/** The pre-1.0 form: `{"<frame>": {"hash", "quality", "timestamp"}}`, in frame order. */
function parseFrameObject(json: object): VpdqFeature[] {
  const features = Object.entries(json).map(([frame, value]: [string, unknown]) => {
    const where = `frame ${short(frame)}`;
    if (value === null || typeof value !== 'object') {
      throw new EngineError('SIGNAL_INVALID_HASH', `vPDQ ${where} is not an object`);
    }
    const fields = value as Record<string, unknown>;
    return checkFeature(where, {
      frameNumber: readInteger(frame),
      quality: typeof fields.quality === 'number' ? fields.quality : Number.NaN,
      hash: typeof fields.hash === 'string' ? fields.hash : '',
      timestamp: typeof fields.timestamp === 'number' ? fields.timestamp : Number.NaN,
    });
  });
  return features.sort((a, b) => a.frameNumber - b.frameNumber);
}

function short(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}
