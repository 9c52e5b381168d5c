import { EngineError } from '../core/index.js';
import { parsePdqHash } from '../signals/index.js';

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
 * take a character-by-character fast path; anything else goes through `parsePdqHash`, which
 * trims, or throws the registered error.
 *
 * @throws EngineError `SIGNAL_INVALID_HASH` when `value` is not a PDQ hash.
 */
export function readPdqWords(value: string, target: Uint32Array, offset: number): void {
  if (value.length === 64 && readHexWords(value, target, offset)) return;
  const hash = parsePdqHash(value);
  for (let i = 0; i < 8; i++) target[offset + i] = Number.parseInt(hash.slice(i * 8, i * 8 + 8), 16);
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
