import { EngineError } from '../core/index.js';

/** The longest reason accepted, in UTF-16 code units (a paragraph, not a document). */
export const maxReasonLength = 2000;

/** True for C0 controls and DEL other than tab, line feed and carriage return. */
function hasForbiddenControl(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f) return true;
  }
  return false;
}
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The one rule for the reason someone gives for reading or changing case material: text (a
 * JSON string, never a number or boolean), not blank once spaces are ignored, at most
 * `maxReasonLength` characters, without control characters other than tab and line breaks and
 * without lone surrogates (neither store can hold NUL or half a character faithfully). The
 * reason is returned as given, never trimmed, so the audit entry holds exactly what was typed.
 *
 * Every entry `AuditLog.record` appends passes through here, and the HTTP routes and CLI
 * commands that take a reason call it before they act, so `""`, `"   "`, `123` and `true` are
 * refused the same way everywhere.
 *
 * @throws EngineError `REASON_REQUIRED`, naming what is wrong (never echoing the value).
 */
export function checkReason(value: unknown, field = 'reason'): string {
  if (typeof value !== 'string') {
    throw new EngineError(
      'REASON_REQUIRED',
      value === undefined || value === null
        ? `${field} is required: say why (non-blank text)`
        : `${field} must be text, not ${Array.isArray(value) ? 'an array' : typeof value}`,
    );
  }
  if (value.trim() === '') throw new EngineError('REASON_REQUIRED', `${field} must not be blank: say why`);
  if (value.length > maxReasonLength)
    throw new EngineError('REASON_REQUIRED', `${field} is longer than ${maxReasonLength} characters`);
  if (hasForbiddenControl(value) || loneSurrogate.test(value))
    throw new EngineError('REASON_REQUIRED', `${field} holds a control character or a lone surrogate`);
  return value;
}
