import { type Brand, EngineError } from '../../core/index.js';

/**
 * A PDQ hash as Prevail stores and exchanges it: 64 lowercase hex characters, the big-endian
 * form of the 256-bit integer Σ bit[k]·2^k, where bit k is DCT coefficient (row k/16,
 * column k%16) above the median. This is the reference's `Hash256` text form, so hashes read
 * from HMA, python-threatexchange or ThreatExchange compare directly.
 */
export type PdqHash = Brand<string, 'PdqHash'>;

/** The hash of an image too small or too flat to hash: 256 zero bits. */
export const zeroPdqHash = '0'.repeat(64) as PdqHash;

const pdqHexPattern = /^[0-9a-f]{64}$/i;

/**
 * Validates and normalises a PDQ hash string (surrounding whitespace trimmed, lower-cased).
 *
 * @throws EngineError `SIGNAL_INVALID_HASH` for anything but exactly 64 hex characters.
 * @example parsePdqHash('F8F8F0CEE0F4A84F06370A22038F63F0B36E2ED596621E1D33E6B39C4E9C9B22')
 */
export function parsePdqHash(text: string): PdqHash {
  const trimmed = text.trim();
  if (!pdqHexPattern.test(trimmed)) {
    const shown = trimmed.length > 80 ? `${trimmed.slice(0, 80)}…` : trimmed;
    throw new EngineError(
      'SIGNAL_INVALID_HASH',
      `a PDQ hash is exactly 64 hex characters; got ${trimmed.length} characters: "${shown}"`,
    );
  }
  return trimmed.toLowerCase() as PdqHash;
}

/** True when `text` is a well-formed PDQ hash (no normalisation is applied). */
export function isPdqHash(text: string): text is PdqHash {
  return pdqHexPattern.test(text) && text === text.toLowerCase();
}

/**
 * Formats the 256 bits of a 16×16 median-thresholded buffer as hex: words w[15]..w[0] of 16 bits,
 * four hex digits each, bit k in word k>>4 at position k&15 (as `Hash256::format`).
 */
export function formatPdqBits(bits: Uint8Array): PdqHash {
  let text = '';
  for (let word = 15; word >= 0; word--) {
    let value = 0;
    for (let bit = 0; bit < 16; bit++) {
      if (bits[word * 16 + bit]) value |= 1 << bit;
    }
    text += value.toString(16).padStart(4, '0');
  }
  return text as PdqHash;
}

/**
 * The hash as eight 32-bit words (word 0 = the first 8 hex characters), the layout the Hamming
 * kernels and indexes use.
 */
export function pdqHashToWords(hash: PdqHash): Uint32Array {
  const words = new Uint32Array(8);
  for (let i = 0; i < 8; i++) words[i] = Number.parseInt(hash.slice(i * 8, i * 8 + 8), 16);
  return words;
}

/** The inverse of `pdqHashToWords`. */
export function wordsToPdqHash(words: Uint32Array, offset = 0): PdqHash {
  let text = '';
  for (let i = 0; i < 8; i++) text += ((words[offset + i] as number) >>> 0).toString(16).padStart(8, '0');
  return text as PdqHash;
}
