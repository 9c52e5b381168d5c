import type { Random } from '../random.js';

/**
 * Evasive spellings a sender uses to get past keyword filters (the evasion family of the
 * chat-signals note): leetspeak, spaced or dotted letters, homoglyphs (Cyrillic and fullwidth
 * look-alikes). Applied to the one or two longest words of a line, so the rest reads normally.
 */
export const evasionKinds = ['leet', 'spaced', 'homoglyph'] as const;
export type EvasionKind = (typeof evasionKinds)[number];

const leet: Readonly<Record<string, string>> = { a: '4', e: '3', i: '1', o: '0', s: '5', t: '7' };
/** Latin letter → a look-alike from another script (Cyrillic) or the fullwidth block. */
const homoglyphs: Readonly<Record<string, string>> = {
  a: '\u0430',
  e: '\u0435',
  o: '\u043e',
  p: '\u0440',
  c: '\u0441',
  x: '\u0445',
  y: '\u0443',
  i: '\u0456',
  s: '\uff53',
};

function transformWord(word: string, kind: EvasionKind, random: Random): string {
  switch (kind) {
    case 'leet':
      return [...word].map((letter) => leet[letter.toLowerCase()] ?? letter).join('');
    case 'spaced':
      return [...word].join(random.pick([' ', '.', ' ']));
    case 'homoglyph':
      return [...word].map((letter) => homoglyphs[letter] ?? letter).join('');
  }
}

/** `line` with its one or two longest words (4+ letters) spelled evasively with `kind`. */
export function evade(line: string, kind: EvasionKind, random: Random): string {
  const words = line.split(' ');
  const candidates = words
    .map((word, index) => ({ word, index }))
    .filter(({ word }) => /^[\p{L}]{4,}$/u.test(word))
    .sort((a, b) => b.word.length - a.word.length || a.index - b.index)
    .slice(0, random.integer(1, 2));
  for (const { word, index } of candidates) words[index] = transformWord(word, kind, random);
  return words.join(' ');
}
