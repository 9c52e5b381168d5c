import { EngineError } from '../../core/index.js';
import { fitSingleLine } from '../text-fitting.js';
import { element, textElement, type XmlChild, type XmlElement } from '../xml-writer.js';

/**
 * Small helpers for FinCEN's schema: every element is in the `www.fincen.gov/base` namespace
 * (written with the `fc2:` prefix), indicators are `Y`, dates `YYYYMMDD`, and short text fields
 * reject leading, trailing or repeated whitespace and line breaks.
 */

/** An `fc2:` element. */
export function fincenElement(name: string, children: XmlChild = []): XmlElement {
  return element(`fc2:${name}`, children);
}

/** An `fc2:` element holding `value`. */
export function fincenText(name: string, value: string | number): XmlElement {
  return textElement(`fc2:${name}`, value);
}

/**
 * An `fc2:` text element when `value` has something left after fitting it to `limit`
 * characters on one line, otherwise `undefined`.
 */
export function fincenField(name: string, value: string | undefined, limit: number): XmlElement | undefined {
  if (value === undefined) return undefined;
  const fitted = fitSingleLine(value, limit);
  return fitted === '' ? undefined : fincenText(name, fitted);
}

/** An indicator element set to `Y` when `on`, otherwise nothing. */
export function indicator(name: string, on: boolean): XmlElement | undefined {
  return on ? fincenText(name, 'Y') : undefined;
}

/** Only letters and digits (FinCEN wants TINs, ZIP codes and phone numbers without punctuation). */
export function lettersAndDigits(value: string): string {
  return value.replace(/[^A-Za-z0-9]/g, '').toUpperCase();
}

/**
 * A `YYYY-MM-DD` date as FinCEN's `YYYYMMDD`.
 *
 * @throws EngineError `REQUEST_INVALID` naming `field` for a year outside 1900–2099, which FinCEN's schema refuses.
 */
export function fincenDate(date: string, field: string): string {
  const year = Number(date.slice(0, 4));
  if (year < 1900 || year > 2099) {
    throw new EngineError('REQUEST_INVALID', `${field}: FinCEN accepts years 1900 to 2099, got ${date}`);
  }
  return date.replaceAll('-', '');
}
