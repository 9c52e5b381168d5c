import { EngineError } from '../core/index.js';

/**
 * True when `text` holds a C0 control character or DEL. With `allowLayout`, tab, line feed and
 * carriage return are allowed (XML documents); without, they count too (names, keys, ids).
 * A loop over char codes rather than a regular expression of control characters, which reads
 * badly and which the linter rightly questions.
 */
export function hasControlCharacter(text: string, allowLayout = false): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 0x7f) return true;
    if (code >= 0x20) continue;
    if (allowLayout && (code === 0x09 || code === 0x0a || code === 0x0d)) continue;
    return true;
  }
  return false;
}

/** @throws EngineError `REQUEST_INVALID` unless `caseId` is a positive whole number. */
export function checkCaseId(caseId: number): void {
  if (!Number.isSafeInteger(caseId) || caseId < 1)
    throw new EngineError('REQUEST_INVALID', 'a case id is a positive whole number');
}
