import { EngineError } from '../../core/index.js';
import type { TmkFeatures } from './tmk-features.js';
import { readTmkFile } from './tmk-file.js';
import { pdqfDimension, tmkFourierCoefficients, tmkFramesPerSecond, tmkPeriods } from './tmk-parameters.js';
import { tmkCompatible } from './tmk-score.js';

/** A `tmk_pdqf` value: the base64 text of upstream's `.tmk` file (351,128 characters for 263,344 bytes). */
export type TmkSignalText = string & { readonly __tmkSignal?: never };

/** What every value must have been hashed with (upstream's TMK+PDQF parameters), to compare with the others. */
const reference: TmkFeatures = {
  algorithm: 'PDQF',
  framesPerSecond: tmkFramesPerSecond,
  frameCount: 0,
  periods: tmkPeriods,
  fourierCoefficients: Float32Array.from(tmkFourierCoefficients),
  dimension: pdqfDimension,
  pureAverage: new Float32Array(0),
  cos: new Float32Array(0),
  sin: new Float32Array(0),
};

const base64Text = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Reads a `tmk_pdqf` value into features.
 *
 * @throws EngineError `SIGNAL_INVALID_HASH` when the text is not base64 of a `.tmk` file hashed
 *   with TMK+PDQF's parameters (the reason is in the message).
 */
export function readTmkSignal(text: string): TmkFeatures {
  if (typeof text !== 'string' || text.length % 4 !== 0 || !base64Text.test(text)) {
    throw new EngineError('SIGNAL_INVALID_HASH', 'Invalid tmk_pdqf signal: not base64 text of a .tmk file');
  }
  let features: TmkFeatures;
  try {
    features = readTmkFile(Buffer.from(text, 'base64'));
  } catch (error) {
    throw new EngineError('SIGNAL_INVALID_HASH', `Invalid tmk_pdqf signal: ${(error as Error).message}`);
  }
  const problem = tmkCompatible(features, reference);
  if (problem !== undefined) {
    throw new EngineError('SIGNAL_INVALID_HASH', `Invalid tmk_pdqf signal: not TMK+PDQF's parameters (${problem})`);
  }
  return features;
}

/** The `tmk_pdqf` value of a `.tmk` file's bytes (see `writeTmkFile`). */
export function formatTmkSignal(tmkFile: Uint8Array): TmkSignalText {
  return Buffer.from(tmkFile.buffer, tmkFile.byteOffset, tmkFile.byteLength).toString('base64');
}
