import { EngineError } from '../core/index.js';
import {
  type ExtraVideoView,
  extraVideoViewNames,
  isExtraVideoView,
  isOptionalVideoSignal,
  type OptionalVideoSignal,
  optionalVideoSignalNames,
} from '../signals/index.js';

/**
 * Validation rules for banks and their content, shared by the CLI, the `/v1` API and the
 * HMA-compatible routes so that every door accepts exactly the same things.
 */

/** HMA's bank-name rule (`Bank` model validator): upper case, digits and `_`, no leading digit. */
const bankNamePattern = /^[A-Z_][A-Z0-9_]*$/;

/** Longest bank name accepted (HMA stores names in a varchar; Coop builds long ones). */
export const maximumBankNameLength = 255;

/** Longest note on a content item (HMA: `varchar(255)`). */
export const maximumNoteLength = 255;

/** Largest PDQ threshold a bank may set: 32 is the largest radius the multi-index answers exactly; beyond it, scans. */
export const maximumPdqThreshold = 128;

/** @throws EngineError `BANK_INVALID_NAME` unless `name` matches `[A-Z_][A-Z0-9_]*`. */
export function checkBankName(name: string): string {
  if (!bankNamePattern.test(name) || name.length > maximumBankNameLength) {
    throw new EngineError('BANK_INVALID_NAME', 'Bank names must be UPPER_WITH_UNDERSCORE');
  }
  return name;
}

/** @throws EngineError `BANK_INVALID_SETTINGS` unless 0 ≤ ratio ≤ 1. */
export function checkEnabledRatio(ratio: number): number {
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    throw new EngineError('BANK_INVALID_SETTINGS', `enabled_ratio must be between 0 and 1, got ${ratio}`);
  }
  return ratio;
}

/** @throws EngineError `BANK_INVALID_SETTINGS` unless the threshold is a whole number in 0..128. */
export function checkPdqThreshold(threshold: number): number {
  if (!Number.isInteger(threshold) || threshold < 0 || threshold > maximumPdqThreshold) {
    throw new EngineError(
      'BANK_INVALID_SETTINGS',
      `pdq_threshold must be a whole number from 0 to ${maximumPdqThreshold}, got ${threshold}`,
    );
  }
  return threshold;
}

/**
 * Checks a bank setting that is a list of names from `known` (`isKnown` tells one): returned
 * without repeats in `known`'s order, so that what is stored is one canonical value whichever door set it. Errors name the
 * setting as `setting` and an entry as `noun`, and quote at most 40 characters of an unknown one.
 *
 * @throws EngineError `BANK_INVALID_SETTINGS` for anything but an array of known names.
 */
function checkNameList<Name extends string>(
  value: unknown,
  known: readonly Name[],
  isKnown: (entry: unknown) => entry is Name,
  setting: string,
  noun: string,
): Name[] {
  const expected = known.join(', ');
  if (!Array.isArray(value)) {
    throw new EngineError('BANK_INVALID_SETTINGS', `${setting} must be a list of ${noun} names (${expected})`);
  }
  for (const entry of value) {
    if (!isKnown(entry)) {
      const shown = typeof entry === 'string' ? `'${entry.slice(0, 40)}'` : typeof entry;
      throw new EngineError('BANK_INVALID_SETTINGS', `${setting}: unknown ${noun} ${shown} (expected ${expected})`);
    }
  }
  return known.filter((name) => value.includes(name));
}

/**
 * Checks a bank's `videoViews` (extra views of the videos it banks, see `ExtraVideoView`): a list
 * of known view names, returned without repeats in `extraVideoViewNames` order.
 *
 * @throws EngineError `BANK_INVALID_SETTINGS` for anything but an array of known names.
 */
export function checkVideoViews(views: unknown): ExtraVideoView[] {
  return checkNameList(views, extraVideoViewNames, isExtraVideoView, 'video_views', 'view');
}

/**
 * Checks a bank's `videoSignals` (signals it computes for the videos it banks beyond the usual
 * ones, see `OptionalVideoSignal`): a list of known signal names, returned without repeats in
 * `optionalVideoSignalNames` order. The one check of the setting: `/v1` and the CLI pass on what
 * they were given.
 *
 * @throws EngineError `BANK_INVALID_SETTINGS` for anything but an array of known names.
 */
export function checkVideoSignals(signals: unknown): OptionalVideoSignal[] {
  return checkNameList(signals, optionalVideoSignalNames, isOptionalVideoSignal, 'video_signals', 'signal');
}

/** @throws EngineError `CONTENT_INVALID` for a note that is not a string of at most 255 characters. */
export function checkNote(note: unknown): string | null {
  if (note === undefined || note === null || note === '') return null;
  if (typeof note !== 'string') throw new EngineError('CONTENT_INVALID', 'note should be a string');
  if (note.length > maximumNoteLength) {
    throw new EngineError('CONTENT_INVALID', `note must be at most ${maximumNoteLength} characters`);
  }
  return note;
}

/** Five years, HMA's limit on how far ahead content may be disabled. */
const maximumDisableSeconds = 5 * 366 * 24 * 3600;

/**
 * Checks a `disable_until` value (Unix seconds with HMA's meaning: 1 enabled, 0 disabled, else
 * disabled until then): a non-negative whole number at most five years ahead.
 *
 * @throws EngineError `CONTENT_INVALID`.
 */
export function checkDisableUntil(value: number, nowSeconds = Math.floor(Date.now() / 1000)): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new EngineError('CONTENT_INVALID', 'disable_until_ts must be a non-negative integer');
  }
  if (value > nowSeconds + maximumDisableSeconds) {
    throw new EngineError('CONTENT_INVALID', 'disable_until_ts must be less than 5 years in the future');
  }
  return value;
}

/** True when content with this `disableUntil` is enabled at `nowSeconds`. */
export function isContentEnabled(disableUntil: number, nowSeconds = Math.floor(Date.now() / 1000)): boolean {
  return disableUntil !== 0 && disableUntil <= nowSeconds;
}
