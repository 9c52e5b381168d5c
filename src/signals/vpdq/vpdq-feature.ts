import { EngineError } from '../../core/index.js';
import { type PdqHash, parsePdqHash } from '../pdq/index.js';

/**
 * One hashed video frame, the unit of vPDQ (`vpdqFeature` of the C++ library): the PDQ hash of
 * the frame at native size, its PDQ quality, and where it is in the video.
 */
export interface VpdqFeature {
  /**
   * Position of the frame: the decoded frame number when every frame is hashed (as vpdq), the
   * sample number with sampling, the position in the list for signals read from
   * python-threatexchange (its format has no frame number). Matching ignores it.
   */
  readonly frameNumber: number;
  /** PDQ quality, an integer 0..100; frames below 50 are not matched. */
  readonly quality: number;
  readonly hash: PdqHash;
  /** Seconds from the start of the video. Matching ignores it. */
  readonly timestamp: number;
}

/**
 * Checks and normalises one feature's fields (the hash lower-cased).
 *
 * @throws EngineError `SIGNAL_INVALID_HASH` naming `where` (e.g. `frame 12`) and the bad field.
 */
export function checkFeature(
  where: string,
  fields: { frameNumber: number; quality: number; hash: string; timestamp: number },
): VpdqFeature {
  const invalid = (what: string): EngineError => new EngineError('SIGNAL_INVALID_HASH', `vPDQ ${where}: ${what}`);
  if (!Number.isSafeInteger(fields.frameNumber) || fields.frameNumber < 0) {
    throw invalid(`the frame number is an integer ≥ 0; got ${fields.frameNumber}`);
  }
  if (!Number.isInteger(fields.quality) || fields.quality < 0 || fields.quality > 100) {
    throw invalid(`the quality is an integer 0..100; got ${fields.quality}`);
  }
  if (!Number.isFinite(fields.timestamp) || fields.timestamp < 0) {
    throw invalid(`the timestamp is a number of seconds ≥ 0; got ${fields.timestamp}`);
  }
  let hash: PdqHash;
  try {
    hash = parsePdqHash(fields.hash);
  } catch (error) {
    throw invalid(error instanceof Error ? error.message : String(error));
  }
  return { frameNumber: fields.frameNumber, quality: fields.quality, hash, timestamp: fields.timestamp };
}

/** Integer text as Python's `int()` and C's `atoi` on these files read it: optional sign, digits. */
export function readInteger(text: string): number {
  return /^\s*[+-]?\d+\s*$/.test(text) ? Number(text) : Number.NaN;
}

/** Float text as Python's `float()` reads it, exponents included (`1e+02`); NaN for anything else. */
export function readFloat(text: string): number {
  return /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(text) ? Number(text) : Number.NaN;
}
