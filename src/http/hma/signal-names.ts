import { md5Signal, sha256Signal } from '../../signals/index.js';
import { pythonTypeName } from './python-text.js';

/**
 * Signal-type names as HMA 1.1.7 clients spell them, and how each maps onto a Prevail signal
 * type. HMA (as Coop and hma-matrix deploy it) knows `pdq` and `video_md5`; Prevail calls the
 * latter `md5`. Prevail's own names `md5` and `sha256` are accepted too, so that hashes from
 * `/v1` can be looked up through the HMA routes.
 */
export interface HmaSignalName {
  /** The name HMA responses use (`pdq`, `video_md5`, `sha256`). */
  readonly hma: string;
  /** The Prevail signal type that holds the values (`pdq`, `md5`, `sha256`). */
  readonly prevail: 'pdq' | 'md5' | 'sha256';
  /** Which HMA content type produces it (`/c/content_type`, field names of uploads). */
  readonly contentType: 'photo' | 'video' | 'file';
}

const pdqName: HmaSignalName = { hma: 'pdq', prevail: 'pdq', contentType: 'photo' };
const videoMd5Name: HmaSignalName = { hma: 'video_md5', prevail: 'md5', contentType: 'video' };
const sha256Name: HmaSignalName = { hma: 'sha256', prevail: 'sha256', contentType: 'file' };

const byRequestName: ReadonlyMap<string, HmaSignalName> = new Map([
  ['pdq', pdqName],
  ['video_md5', videoMd5Name],
  ['md5', videoMd5Name],
  ['sha256', sha256Name],
]);

/**
 * The signal types HMA lists as configured (`GET /c/signal_type`, `/m/index/status`), in HMA's
 * configured order: `pdq`, then `video_md5`.
 */
export const hmaConfiguredSignals: readonly HmaSignalName[] = [pdqName, videoMd5Name];

/** The signal type a client named, or `undefined` when the name is unknown (case-sensitive, as HMA). */
export function signalByRequestName(name: string): HmaSignalName | undefined {
  return byRequestName.get(name);
}

/** The HMA name under which a stored Prevail signal type is reported (`md5` → `video_md5`). */
export function hmaNameOfPrevailSignal(prevail: string): string {
  if (prevail === 'md5') return videoMd5Name.hma;
  return prevail;
}

const pdqPattern = /^[0-9a-f]{64}$/;

/**
 * Validates a signal value the way HMA's signal types do and returns the normalised value, or
 * the reason HMA gives (`ValueError` text) for refusing it:
 * - PDQ: exactly 64 **lowercase** hex characters, no trimming (`PdqSignal.validate_signal_str`:
 *   `invalid PDQ hash`); an empty value (HMA's low-quality hash) fails the same way.
 * - video_md5: `strip().lower()`, then 32 hex characters (`'<value>' is not a valid MD5 hash`).
 * - sha256 (Prevail only): trimmed and lower-cased, 64 hex characters.
 */
export function validateSignalValue(
  signal: HmaSignalName,
  value: unknown,
): { ok: true; value: string } | { ok: false; reason: string } {
  if (typeof value !== 'string') {
    return { ok: false, reason: `expected string or bytes-like object, got '${pythonTypeName(value)}'` };
  }
  switch (signal.prevail) {
    case 'pdq':
      return pdqPattern.test(value) ? { ok: true, value } : { ok: false, reason: 'invalid PDQ hash' };
    case 'md5':
      return parseWith(() => md5Signal.parse(value), `'${value}' is not a valid MD5 hash`);
    case 'sha256':
      return parseWith(() => sha256Signal.parse(value), `'${value}' is not a valid SHA-256 hash`);
  }
}

function parseWith(parse: () => string, reason: string): { ok: true; value: string } | { ok: false; reason: string } {
  try {
    return { ok: true, value: parse() };
  } catch {
    return { ok: false, reason };
  }
}

/**
 * The distance string HMA puts in match lists (`pretty_str()`): the Hamming distance in decimal
 * for PDQ (the fetlife gem coerces it to an Integer), `-` for exact-match types.
 */
export function hmaDistance(prevailSignal: string, distance: number): string {
  return prevailSignal === 'pdq' ? String(distance) : '-';
}
