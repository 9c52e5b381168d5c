import { EngineError } from '../../core/index.js';
import { fixedDecimals } from './decimal-text.js';
import { checkFeature, readFloat, readInteger, type VpdqFeature } from './vpdq-feature.js';

/**
 * Formats features as the C++ tool `vpdq-hash-video` writes them (`vpdqio.cpp`, the format of
 * `vpdq/sample-hashes/*.txt`): one line per frame, `frameNumber,quality,pdqHex,timestamp` with
 * the timestamp as `%.3f`, each line ending in `\n`.
 *
 * @example formatCppVpdq(features) // "0,100,e271…055c,0.000\n1,100,…,0.033\n"
 */
export function formatCppVpdq(features: readonly VpdqFeature[]): string {
  return features
    .map((feature) => `${feature.frameNumber},${feature.quality},${feature.hash},${fixedDecimals(feature.timestamp)}\n`)
    .join('');
}

/**
 * Reads the C++ tools' hash files: one `frameNumber,quality,pdqHex,timestamp` line per frame
 * (fields after the fourth ignored, as the C++ loader does), blank lines skipped, CRLF accepted.
 *
 * @throws EngineError `SIGNAL_INVALID_HASH` naming the line and the bad field.
 */
export function parseCppVpdq(text: string): VpdqFeature[] {
  const features: VpdqFeature[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = (lines[index] ?? '').trim();
    if (line === '') continue;
    const fields = line.split(',');
    if (fields.length < 4) {
      throw new EngineError(
        'SIGNAL_INVALID_HASH',
        `vPDQ line ${index + 1}: expected frameNumber,quality,pdqHex,timestamp; got ${fields.length} field(s)`,
      );
    }
    const [frameNumber = '', quality = '', hash = '', timestamp = ''] = fields;
    features.push(
      checkFeature(`line ${index + 1}`, {
        frameNumber: readInteger(frameNumber),
        quality: readInteger(quality),
        hash,
        timestamp: readFloat(timestamp),
      }),
    );
  }
  return features;
}
