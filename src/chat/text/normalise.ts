import { FoldKind, foldCodePoint, isApostrophe, isLeetSymbol, leetMap } from './fold.js';

/** Bit flags: which evasions the normaliser undid in a token. */
export const Evasion = {
  /** Fullwidth, mathematical or other-script look-alike letters folded to plain ones. */
  Confusable: 1,
  /** Digits or symbols standing for letters (`s3cr3t`, `p@rents`). */
  Leet: 2,
  /** A letter repeated three or more times (`secreeeet`). */
  Stretch: 4,
  /** Single letters spaced or dotted apart (`s e c r e t`, `s.e.c.r.e.t`), re-joined. */
  Spaced: 8,
  /** Zero-width or bidi control characters inside a word. */
  Hidden: 16,
} as const;

/** One word of the normalised text, with where it came from in the raw text. */
export interface ChatToken {
  /** The match key: folded, case-folded, leet mapped, repeated letters collapsed. */
  readonly key: string;
  /** A second key to match as well: the look-alike folding of a word wholly in another script. */
  readonly alt: string | undefined;
  /** UTF-16 offsets in the raw text: `raw.slice(rawStart, rawEnd)` is the token's source. */
  readonly rawStart: number;
  readonly rawEnd: number;
  /** `Evasion` flags undone in this token (0 for a plain word). */
  readonly evasion: number;
  /** Raw code units whose change counts as evasion. */
  readonly changed: number;
}

/**
 * A message's normalised form. `text` is the token keys joined by single spaces; `rawStarts[i]`
 * and `rawEnds[i]` give the raw range of `text[i]` (a space maps to the gap between its tokens),
 * so any span of `text` maps back to raw offsets for highlighting. `joined` is the token list with
 * runs of single spaced or dotted letters re-joined into one token (the same array as `tokens`
 * when the message has none): matching runs on both.
 */
export interface NormalisedText {
  readonly raw: string;
  readonly text: string;
  readonly tokens: readonly ChatToken[];
  readonly joined: readonly ChatToken[];
  readonly rawStarts: Int32Array;
  readonly rawEnds: Int32Array;
  /** Share (0..1) of the words' raw code units that evasion folding changed. */
  readonly normalisedShare: number;
}

/** Times, amounts and ordinals whose digits are never leetspeak (`10pm`, `24h`, `5th`, `100k`). */
const numericWord = /^\d+(am|pm|h|hr|hrs|min|mins|k|m|st|nd|rd|th|s|x|d|w|y|yo|gb|mb)?$/;

interface Piece {
  text: string;
  original: string;
  kind: number;
  start: number;
  end: number;
  leet: boolean;
}

interface Built {
  token: ChatToken;
  /**
   * Per UTF-16 unit of `token.key`: its raw range; undefined when unit `i` is raw unit
   * `token.rawStart + i` alone (a plain ASCII word without repeated letters, most words): no
   * arrays are built for it.
   */
  starts: number[] | undefined;
  ends: number[] | undefined;
}

function isAsciiLetter(code: number): boolean {
  return code >= 97 && code <= 122;
}

/** Collapses runs of one ASCII letter to a single letter, keeping each unit's raw range. */
function collapse(
  units: string,
  starts: readonly number[],
  ends: readonly number[],
): { key: string; starts: number[]; ends: number[]; stretched: number } {
  let repeated = false;
  for (let i = 1; i < units.length && !repeated; i += 1) repeated = units.charCodeAt(i) === units.charCodeAt(i - 1);
  if (!repeated) return { key: units, starts: starts as number[], ends: ends as number[], stretched: 0 };
  let key = '';
  const outStarts: number[] = [];
  const outEnds: number[] = [];
  let stretched = 0;
  let run = 0;
  for (let i = 0; i < units.length; i += 1) {
    const code = units.charCodeAt(i);
    if (i > 0 && code === units.charCodeAt(i - 1) && isAsciiLetter(code)) {
      run += 1;
      outEnds[outEnds.length - 1] = ends[i] as number;
      if (run === 2) stretched += 1;
      continue;
    }
    run = 0;
    key += units[i];
    outStarts.push(starts[i] as number);
    outEnds.push(ends[i] as number);
  }
  return { key, starts: outStarts, ends: outEnds, stretched };
}

function isDigitCode(code: number): boolean {
  return code >= 48 && code <= 57;
}

function buildToken(pieces: readonly Piece[], hiddenInside: boolean): Built {
  let letters = 0;
  let digits = 0;
  let plain = '';
  for (const piece of pieces) {
    const text = piece.text;
    plain += text;
    for (let i = 0; i < text.length; i += 1) {
      const code = text.charCodeAt(i);
      if (isDigitCode(code)) digits += 1;
      else if (code !== 95) letters += 1;
    }
  }
  const leetAllowed = letters >= 2 && digits > 0 && !numericWord.test(plain);
  let units = '';
  let original = '';
  const starts: number[] = [];
  const ends: number[] = [];
  let evasion = hiddenInside ? Evasion.Hidden : 0;
  let changed = hiddenInside ? 1 : 0;
  let allLookalike = true;
  let hasLookalike = false;
  for (const piece of pieces) {
    let text = piece.text;
    // A symbol inside a word is always read as its letter; a digit only where leet is plausible.
    if (piece.leet || leetAllowed) {
      let mappedText = '';
      for (let i = 0; i < text.length; i += 1) {
        const char = text[i] as string;
        mappedText += leetMap[char] ?? char;
      }
      if (mappedText !== text) {
        text = mappedText;
        evasion |= Evasion.Leet;
        changed += piece.end - piece.start;
      }
    }
    if (piece.kind === FoldKind.Confusable) {
      evasion |= Evasion.Confusable;
      changed += piece.end - piece.start;
    }
    if (piece.kind === FoldKind.Lookalike) hasLookalike = true;
    for (let i = 0; i < text.length; i += 1) {
      if (piece.kind !== FoldKind.Lookalike && isAsciiLetter(text.charCodeAt(i))) allLookalike = false;
      starts.push(piece.start);
      ends.push(piece.end);
    }
    units += text;
    original += piece.original;
  }
  const folded = collapse(units, starts, ends);
  if (folded.stretched > 0) {
    evasion |= Evasion.Stretch;
    changed += folded.stretched;
  }
  const rawStart = pieces[0]?.start ?? 0;
  const rawEnd = pieces[pieces.length - 1]?.end ?? rawStart;
  if (hasLookalike && allLookalike) {
    // A word wholly in another script: itself first, its Latin look-alike as the second key.
    const kept: number[] = [];
    const keptEnds: number[] = [];
    for (const piece of pieces) {
      for (let i = 0; i < piece.original.length; i += 1) {
        kept.push(piece.start);
        keptEnds.push(piece.end);
      }
    }
    return {
      token: { key: original, alt: folded.key, rawStart, rawEnd, evasion, changed },
      starts: kept,
      ends: keptEnds,
    };
  }
  if (hasLookalike) {
    evasion |= Evasion.Confusable;
    for (const piece of pieces) if (piece.kind === FoldKind.Lookalike) changed += piece.end - piece.start;
  }
  return {
    token: { key: folded.key, alt: undefined, rawStart, rawEnd, evasion, changed },
    starts: folded.starts,
    ends: folded.ends,
  };
}

function isAsciiLetterCode(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
}

/**
 * Whether the code unit after a run of ASCII letters ends the word for certain: the end of the
 * text, or an ASCII separator that is neither a leet symbol (`p@rents`) nor an apostrophe
 * (`don't`), both of which may join the next letters to the word.
 */
function endsPlainWord(raw: string, at: number): boolean {
  if (at >= raw.length) return true;
  const code = raw.charCodeAt(at);
  if (code >= 128 || isAsciiLetterCode(code) || (code >= 48 && code <= 57) || code === 95) return false;
  return !isLeetSymbol(raw[at] as string) && !isApostrophe(code);
}

/**
 * The token of a word of ASCII letters only, `raw.slice(start, end)`, with its per-unit raw
 * ranges: exactly what `buildToken` gives for such a word (lower-cased, letter runs collapsed,
 * no leet, no look-alike), without one piece per character.
 */
function plainWord(raw: string, start: number, end: number): Built {
  const lower = raw.slice(start, end).toLowerCase();
  let repeated = false;
  for (let i = 1; i < lower.length && !repeated; i += 1) repeated = lower.charCodeAt(i) === lower.charCodeAt(i - 1);
  if (!repeated)
    return {
      token: { key: lower, alt: undefined, rawStart: start, rawEnd: end, evasion: 0, changed: 0 },
      starts: undefined,
      ends: undefined,
    };
  const starts: number[] = [];
  const ends: number[] = [];
  for (let at = start; at < end; at += 1) {
    starts.push(at);
    ends.push(at + 1);
  }
  const folded = collapse(lower, starts, ends);
  const stretched = folded.stretched > 0;
  return {
    token: {
      key: folded.key,
      alt: undefined,
      rawStart: start,
      rawEnd: end,
      evasion: stretched ? Evasion.Stretch : 0,
      changed: folded.stretched,
    },
    starts: folded.starts,
    ends: folded.ends,
  };
}

const emojiKeys = new Map<string, string>();

/** `emoji_<name>`, normalised like any word (so normalising twice changes nothing). */
function emojiKey(name: string): string {
  let key = emojiKeys.get(name);
  if (key === undefined) {
    key = normalise(`emoji_${name}`).tokens[0]?.key ?? 'emoji';
    emojiKeys.set(name, key);
  }
  return key;
}

/** A run of at least three single-letter tokens separated only by short gaps of separators. */
function joinSpacedRuns(raw: string, tokens: readonly ChatToken[]): ChatToken[] | undefined {
  let result: ChatToken[] | undefined;
  let i = 0;
  while (i < tokens.length) {
    let j = i;
    while (j < tokens.length && (tokens[j] as ChatToken).key.length === 1) {
      const next = tokens[j + 1];
      const current = tokens[j] as ChatToken;
      if (next === undefined || next.key.length !== 1) break;
      const gap = raw.slice(current.rawEnd, next.rawStart);
      if (gap.length > 3 || /[\n\r]/.test(gap)) break;
      j += 1;
    }
    const count = j - i + 1;
    if (count >= 3 && (tokens[i] as ChatToken).key.length === 1) {
      const run = tokens.slice(i, j + 1);
      let letters = '';
      let leet = 0;
      for (const token of run) {
        const mapped = leetMap[token.key];
        if (mapped !== undefined) leet = Evasion.Leet;
        letters += mapped ?? token.key;
      }
      if (/[a-z].*[a-z]/.test(letters)) {
        result ??= tokens.slice(0, i);
        const folded = collapse(letters, [], []);
        const first = run[0] as ChatToken;
        const last = run[run.length - 1] as ChatToken;
        let evasion = Evasion.Spaced | leet | (folded.stretched > 0 ? Evasion.Stretch : 0);
        for (const token of run) evasion |= token.evasion;
        result.push({
          key: folded.key,
          alt: undefined,
          rawStart: first.rawStart,
          rawEnd: last.rawEnd,
          evasion,
          changed: last.rawEnd - first.rawStart,
        });
        i = j + 1;
        continue;
      }
    }
    result?.push(tokens[i] as ChatToken);
    i += 1;
  }
  return result;
}

/**
 * Normalises one message for matching. Per code point: compatibility decomposition with
 * diacritics dropped, confusable folding (`unhomoglyph`, plus small capitals), case folding, emoji to `emoji_<name>`
 * tokens; then per word: leetspeak digits and symbols mapped (only inside words with at least
 * two letters, never in times or amounts such as `10pm`), runs of a letter collapsed to one
 * (applied to lexicon phrases the same way, so `keep` and `keeep` meet). Words are cut at
 * separators, never across them: a global "skip every non-letter" pass would join words and fire
 * inside longer ones (the note's measured false positives). A second track re-joins runs of
 * single spaced or dotted letters.
 *
 * Total on any string (NUL, lone surrogates, bidi overrides, zalgo, 20,000 characters): linear
 * time, never throws. Idempotent: `normalise(normalise(x).text).text === normalise(x).text`.
 */
export function normalise(raw: string): NormalisedText {
  const built: Built[] = [];
  let pieces: Piece[] = [];
  let pendingSymbols: Piece[] = [];
  let hiddenInside = false;
  let hiddenPending = false;
  let wordUnits = 0;
  const finish = () => {
    if (pieces.length > 0) {
      const token = buildToken(pieces, hiddenInside);
      built.push(token);
      wordUnits += token.token.rawEnd - token.token.rawStart;
    }
    pieces = [];
    pendingSymbols = [];
    hiddenInside = false;
    hiddenPending = false;
  };
  let index = 0;
  while (index < raw.length) {
    const codePoint = raw.codePointAt(index) as number;
    const width = codePoint > 0xffff ? 2 : 1;
    const start = index;
    index += width;
    // Most words are ASCII letters alone: one token at once, not one piece per character. Tried
    // once per word (at its first letter), so the text is still read in linear time.
    if (pieces.length === 0 && isAsciiLetterCode(codePoint)) {
      let end = index;
      while (end < raw.length && isAsciiLetterCode(raw.charCodeAt(end))) end += 1;
      if (endsPlainWord(raw, end)) {
        const word = plainWord(raw, start, end);
        built.push(word);
        wordUnits += end - start;
        index = end;
        continue;
      }
    }
    const char = raw[start] as string;
    if (pieces.length > 0 && isLeetSymbol(char)) {
      pendingSymbols.push({ text: char, original: char, kind: FoldKind.Plain, start, end: index, leet: true });
      if (pendingSymbols.length > 2) finish();
      continue;
    }
    if (pieces.length > 0 && isApostrophe(codePoint)) {
      const next = raw.codePointAt(index);
      if (next !== undefined && /[\p{L}]/u.test(String.fromCodePoint(next))) continue;
    }
    const folded = foldCodePoint(codePoint);
    switch (folded.kind) {
      case FoldKind.Ignorable:
        continue;
      case FoldKind.Hidden:
        if (pieces.length > 0) hiddenPending = true;
        continue;
      case FoldKind.Separator:
        finish();
        continue;
      case FoldKind.Emoji: {
        finish();
        const name = emojiKey(folded.text);
        built.push({
          token: { key: name, alt: undefined, rawStart: start, rawEnd: index, evasion: 0, changed: 0 },
          starts: new Array<number>(name.length).fill(start),
          ends: new Array<number>(name.length).fill(index),
        });
        continue;
      }
      default: {
        if (pendingSymbols.length > 0) {
          pieces.push(...pendingSymbols);
          pendingSymbols = [];
        }
        if (hiddenPending) hiddenInside = true;
        hiddenPending = false;
        pieces.push({
          text: folded.text,
          original: folded.original ?? folded.text,
          kind: folded.kind,
          start,
          end: index,
          leet: false,
        });
      }
    }
  }
  finish();
  let changed = 0;
  const tokens: ChatToken[] = [];
  for (const entry of built) {
    changed += entry.token.changed;
    tokens.push(entry.token);
  }
  const joinedTokens = joinSpacedRuns(raw, tokens);
  if (joinedTokens !== undefined) {
    for (const token of joinedTokens) if ((token.evasion & Evasion.Spaced) !== 0) changed += token.changed;
  }
  return new Normalised(
    raw,
    built,
    tokens,
    joinedTokens ?? tokens,
    wordUnits === 0 ? 0 : Math.min(1, changed / wordUnits),
  );
}

/**
 * `normalise`'s result. The tokens are what matching reads; the text and its offset map are
 * worked out only when first read (the chat pack's analysis reads neither: building them for
 * every message was a good part of the normaliser's allocations), the same whenever they are.
 */
class Normalised implements NormalisedText {
  readonly raw: string;
  readonly tokens: readonly ChatToken[];
  readonly joined: readonly ChatToken[];
  readonly normalisedShare: number;
  #built: readonly Built[];
  #text: string | undefined;
  #rawStarts: Int32Array | undefined;
  #rawEnds: Int32Array | undefined;

  constructor(
    raw: string,
    built: readonly Built[],
    tokens: readonly ChatToken[],
    joined: readonly ChatToken[],
    normalisedShare: number,
  ) {
    this.raw = raw;
    this.#built = built;
    this.tokens = tokens;
    this.joined = joined;
    this.normalisedShare = normalisedShare;
  }

  get text(): string {
    if (this.#text === undefined) {
      let text = '';
      for (let t = 0; t < this.tokens.length; t += 1) text += t > 0 ? ` ${this.tokens[t]?.key}` : this.tokens[t]?.key;
      this.#text = text;
    }
    return this.#text;
  }

  get rawStarts(): Int32Array {
    if (this.#rawStarts === undefined) this.#offsets();
    return this.#rawStarts as Int32Array;
  }

  get rawEnds(): Int32Array {
    if (this.#rawEnds === undefined) this.#offsets();
    return this.#rawEnds as Int32Array;
  }

  /** `rawStarts[i]` and `rawEnds[i]`: the raw range of `text[i]` (a space: the gap between its tokens). */
  #offsets(): void {
    const built = this.#built;
    let length = 0;
    for (const entry of built) length += entry.token.key.length + 1;
    const rawStarts = new Int32Array(Math.max(0, length - 1));
    const rawEnds = new Int32Array(Math.max(0, length - 1));
    let at = 0;
    for (let t = 0; t < built.length; t += 1) {
      const entry = built[t] as Built;
      const { key, rawStart, rawEnd } = entry.token;
      if (t > 0) {
        rawStarts[at] = (built[t - 1] as Built).token.rawEnd;
        rawEnds[at] = rawStart;
        at += 1;
      }
      const { starts, ends } = entry;
      for (let i = 0; i < key.length; i += 1) {
        if (starts === undefined || ends === undefined) {
          rawStarts[at] = rawStart + i;
          rawEnds[at] = rawStart + i + 1;
        } else {
          rawStarts[at] = starts[i] ?? rawStart;
          rawEnds[at] = ends[i] ?? rawEnd;
        }
        at += 1;
      }
    }
    this.#rawStarts = rawStarts;
    this.#rawEnds = rawEnds;
  }
}

/** The match key of one lexicon word: the normaliser's keys for it (a word may split: `e-mail`). */
export function phraseKeys(word: string): string[] {
  return normalise(word).tokens.map((token) => token.key);
}
