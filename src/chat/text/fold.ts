import anyAscii from 'any-ascii';
import unhomoglyph from 'unhomoglyph';

/**
 * Per-code-point folding for the chat normaliser: compatibility decomposition with diacritics
 * removed, confusable (homoglyph) folding and case folding, and emoji → short names. Each result
 * is cached per code point, so the confusables table is consulted once per distinct non-ASCII
 * code point in the process's life, not once per character of every message.
 *
 * Confusables: `unhomoglyph` (1.0.6, MIT, pure JavaScript: Unicode's confusables data mapped to
 * prototype characters), applied after NFKD, which already folds the fullwidth and mathematical
 * letters the chat-signals note saw it miss on its own. The note's first choice, `decancer`, ships
 * its native binary as per-platform optional packages of which this project's npm registry holds
 * only the Linux x64 ones, so `npm ci` could not install from a lock file naming the others.
 */

/** What happened to one code point. */
export const FoldKind = {
  /** Kept (lower-cased ASCII, digits, a letter with its diacritics removed, a non-Latin letter). */
  Plain: 0,
  /** A look-alike folded to a different letter: fullwidth, mathematical, Cyrillic/Greek homoglyph. */
  Confusable: 1,
  /** Invisible (zero-width, bidi control, variation selector, combining mark): dropped, no break. */
  Ignorable: 2,
  /** A word break: space, punctuation, control characters (NUL included), lone surrogates. */
  Separator: 3,
  /** A pictograph: `text` is its short name (`gift`, `dollar`). */
  Emoji: 4,
  /** Zero-width or bidi control (Cf): dropped, no break; inside a word it is an evasion. */
  Hidden: 5,
  /**
   * A letter of another script that looks like a Latin one (Cyrillic `е`, Greek `ο`): `text` is
   * the Latin letter, `original` the letter itself (a word written wholly in that script is
   * matched both ways, so real Cyrillic or Greek words are not mangled).
   */
  Lookalike: 6,
} as const;
export type FoldKind = (typeof FoldKind)[keyof typeof FoldKind];

export interface Folded {
  readonly kind: FoldKind;
  /** The folded text (lower case); empty for ignorable and separator code points. */
  readonly text: string;
  /** For `Lookalike`: the letter itself, lower-cased. */
  readonly original?: string;
}

const separator: Folded = { kind: FoldKind.Separator, text: '' };
const ignorable: Folded = { kind: FoldKind.Ignorable, text: '' };
const hidden: Folded = { kind: FoldKind.Hidden, text: '' };
const asciiFolds: Folded[] = [];
for (let code = 0; code < 128; code += 1) {
  const char = String.fromCharCode(code);
  if (/[A-Za-z0-9_]/.test(char)) asciiFolds.push({ kind: FoldKind.Plain, text: char.toLowerCase() });
  else asciiFolds.push(separator);
}

/** Latin letters with no decomposition, spelled as people type them without the letter. */
const latinLetters: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
  ħ: 'h',
};

/**
 * Latin small capitals (ᴀ ʙ ᴄ …), a common "fancy text" spelling that Unicode's confusables data
 * (and so `unhomoglyph`) leaves out: folded as confusables, so a match through them counts as
 * evasion undone.
 */
const smallCapitals: Readonly<Record<string, string>> = Object.fromEntries(
  [...'ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘꞯʀꜱᴛᴜᴠᴡʏᴢ'].map((letter, index) => [letter, 'abcdefghijklmnopqrstuvwyz'[index] as string]),
);

const cacheLimit = 50_000;
const cache = new Map<number, Folded>();
const markPattern = /\p{M}/gu;
const letterOrNumber = /^[\p{L}\p{N}]+$/u;
const asciiWord = /^[a-z0-9_]+$/;

function foldUncached(codePoint: number): Folded {
  // Lone surrogates (a code point in the surrogate range reached through iteration) break words.
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return separator;
  // Apostrophes break words here; the normaliser joins them inside words before folding.
  if (isApostrophe(codePoint)) return separator;
  const char = String.fromCodePoint(codePoint);
  if (/\p{Extended_Pictographic}/u.test(char)) {
    const name = anyAscii(char)
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '');
    return name === '' ? separator : { kind: FoldKind.Emoji, text: name };
  }
  // Zero-width and bidi controls; skin tones, variation selectors, combining marks (zalgo).
  if (/^\p{Cf}$/u.test(char)) return hidden;
  if ((codePoint >= 0x1f3fb && codePoint <= 0x1f3ff) || /^\p{M}$/u.test(char)) return ignorable;
  if (/^[\p{Cc}\p{Z}\p{P}\p{S}\p{Co}\p{Cn}\p{Cs}]$/u.test(char) && !/\p{L}|\p{N}/u.test(char)) {
    // A symbol that compatibility-decomposes to a letter (ℹ, ™) is handled below.
    const compat = char.normalize('NFKD').replace(markPattern, '');
    if (!asciiWord.test(compat.toLowerCase())) return separator;
  }
  const withoutMarks = char.normalize('NFD').replace(markPattern, '').toLowerCase();
  if (asciiWord.test(withoutMarks)) return { kind: FoldKind.Plain, text: withoutMarks };
  const compat = char.normalize('NFKD').replace(markPattern, '').toLowerCase();
  if (asciiWord.test(compat)) return { kind: FoldKind.Confusable, text: compat };
  const parts = [...compat];
  if (parts.length > 1) {
    // A ligature or compatibility sequence: each of its letters folded on its own.
    const folded = parts.map((part) => foldCodePoint(part.codePointAt(0) as number));
    const text = folded.map((part) => (part.kind === FoldKind.Emoji ? '' : part.text)).join('');
    if (text === '') return separator;
    const plain = folded.every((part) => part.kind === FoldKind.Plain || part.text === '');
    return { kind: plain ? FoldKind.Plain : FoldKind.Confusable, text };
  }
  const latin = latinLetters[compat];
  if (latin !== undefined) return { kind: FoldKind.Plain, text: latin };
  // Compatibility-decomposed without marks, recomposed (Hangul syllables stay syllables).
  const composed = compat.normalize('NFC');
  const cured = (smallCapitals[composed] ?? unhomoglyph(composed).normalize('NFKD'))
    .replace(markPattern, '')
    .toLowerCase();
  // A look-alike is one or two plain letters; anything else (digits, long strings) is not.
  if (/^[a-z]{1,2}$/.test(cured)) {
    return /\p{Script=Latin}/u.test(composed)
      ? { kind: FoldKind.Confusable, text: cured }
      : { kind: FoldKind.Lookalike, text: cured, original: composed };
  }
  // A letter of another script with no Latin look-alike (CJK, Hangul, Devanagari…): kept as it is.
  if (letterOrNumber.test(composed)) return { kind: FoldKind.Plain, text: composed };
  return separator;
}

/** Folds one code point (cached; at most 50,000 distinct non-ASCII code points are kept). */
export function foldCodePoint(codePoint: number): Folded {
  if (codePoint < 128) return asciiFolds[codePoint] as Folded;
  const known = cache.get(codePoint);
  if (known !== undefined) return known;
  const folded = foldUncached(codePoint);
  if (cache.size < cacheLimit) cache.set(codePoint, folded);
  return folded;
}

/** Leetspeak digits and symbols inside a word, mapped to the letter they stand for. */
export const leetMap: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '8': 'b',
  '@': 'a',
  $: 's',
  '!': 'i',
  '|': 'l',
  '+': 't',
};

/** Symbols that count as letters only between two word characters (`s3cr$t`, `p@rents`). */
export function isLeetSymbol(char: string): boolean {
  return char === '@' || char === '$' || char === '!' || char === '|' || char === '+';
}

/** Apostrophes joined inside words (`don't` → `dont`), so both spellings give one token. */
export function isApostrophe(codePoint: number): boolean {
  return codePoint === 0x27 || codePoint === 0x2019 || codePoint === 0x2bc || codePoint === 0x60 || codePoint === 0xb4;
}
