import { EngineError } from '../core/index.js';

/** Largest owner an index accepts: owners live in `Int32Array`s, 0 marks a removed entry. */
export const maxOwner = 0x7fffffff;

/**
 * Checks that `owner` is an integer in 1..2^31−1. Owners are database ids; anything else is a
 * programming error in the caller, so it is reported as `INTERNAL` rather than as bad input.
 *
 * @throws EngineError `INTERNAL` for a non-integer, zero, negative or too large owner.
 */
export function checkOwner(owner: number): void {
  if (!Number.isInteger(owner) || owner < 1 || owner > maxOwner) {
    throw new EngineError('INTERNAL', `an index owner is an integer in 1..${maxOwner}; got ${owner}`);
  }
}

/**
 * Parses a PDQ hash (64 hex characters, any case, surrounding whitespace ignored) into 8 words at
 * `target[offset..offset+8)`, the layout of `pdqHashToWords`, without allocating: loading 10M
 * stored hashes one `add` at a time spends most of its time here. Exactly 64 hex characters
 * take a character-by-character fast path; anything else is trimmed and read again, or refused
 * with the same error `parsePdqHash` (in `signals/pdq`) gives. Indexes sit below signals (each
 * signal's descriptor creates its index), so the 64-hex form is read here, not imported.
 *
 * @throws EngineError `SIGNAL_INVALID_HASH` when `value` is not a PDQ hash.
 */
export function readPdqWords(value: string, target: Uint32Array, offset: number): void {
  if (value.length === 64 && readHexWords(value, target, offset)) return;
  const trimmed = value.trim();
  if (trimmed.length === 64 && readHexWords(trimmed, target, offset)) return;
  const shown = trimmed.length > 80 ? `${trimmed.slice(0, 80)}…` : trimmed;
  throw new EngineError(
    'SIGNAL_INVALID_HASH',
    `a PDQ hash is exactly 64 hex characters; got ${trimmed.length} characters: "${shown}"`,
  );
}

/** The 64 lowercase hex digits of 8 words at `words[offset..offset+8)` (the layout `readPdqWords` writes). */
export function wordsToHex(words: Uint32Array, offset: number): string {
  let text = '';
  for (let i = 0; i < 8; i++) text += ((words[offset + i] as number) >>> 0).toString(16).padStart(8, '0');
  return text;
}

/** Decodes 64 hex digits into 8 words; false (target partly written) on any other character. */
function readHexWords(text: string, target: Uint32Array, offset: number): boolean {
  for (let word = 0; word < 8; word++) {
    let value = 0;
    for (let i = word * 8; i < word * 8 + 8; i++) {
      const code = text.charCodeAt(i);
      let digit: number;
      if (code >= 48 && code <= 57) digit = code - 48;
      else if (code >= 97 && code <= 102) digit = code - 87;
      else if (code >= 65 && code <= 70) digit = code - 55;
      else return false;
      value = (value << 4) | digit;
    }
    target[offset + word] = value >>> 0;
  }
  return true;
}

/**
 * The largest distance a query asks for, as an integer (distances are integers, so a radius of
 * 2.5 means 2); −1 when nothing can match (negative or NaN).
 */
export function queryRadius(maxDistance: number): number {
  if (!(maxDistance >= 0)) return -1;
  return Math.min(256, Math.floor(maxDistance));
}
