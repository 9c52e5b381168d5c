import { EngineError } from '../../core/index.js';

/**
 * eld's `detect` (2.1.0, `medium` database) with the same answers, about five to seven times
 * faster: what `identifyLanguage` reads of eld's result (the language, the two best scores and
 * `isReliable()`), worked out by eld's own steps over eld's own data, without what costs in eld
 * and gives nothing here:
 *
 * - each n-gram's languages are read from a packed table (pairs of language index and score in
 *   one `Int32Array`) instead of walking the object eld keeps per n-gram with `for…in`;
 * - the n-grams of a text go in a `Set`, not a fresh object in dictionary mode;
 * - the best and second scores come from one pass, not from sorting every language's score
 *   into a new array and building an object keyed by language code (`getScores`).
 *
 * eld's steps, kept as they are (languageDetector.js, LanguageResult.js): the first 1,000
 * characters; eld's separators to spaces, trimmed, lower-cased; each word as UTF-8 bytes (eld's
 * byte dictionary), cut after 350 (at a space) or 380 bytes; n-grams of four bytes with a stride
 * of three (a leading space on a word's first, the word's last four bytes with a trailing space);
 * each distinct n-gram adds its score + 53 to each language it lists; the language is the first
 * with the highest sum; a language's score is x / (x + 25) with x its sum over the number of
 * distinct n-grams, ranked high to low (ties: lower index first); reliable unless fewer than
 * three n-grams, or the best score is under 0.75 × eld's average score for the language, or
 * within 0.01 of the *index* of the runner-up (eld compares the score with the index: kept, so
 * that the answers are eld's). Sums of integers, so the order they are added in changes nothing.
 *
 * The data are eld's files, read through the `eld/medium` entry's location (the package exports
 * only the detector): the dependency is pinned (package.json) and `eld-scores.test.ts` compares
 * the answers with `eld.detect` on every shipped lexicon phrase, every simulated conversation and
 * odd text, so an eld release that changes any of it fails there first.
 */

/** What `identifyLanguage` reads of a detection: eld's language (`''`: none), best and second score, `isReliable()`. */
export interface EldScores {
  readonly language: string;
  readonly top: number;
  readonly second: number;
  readonly reliable: boolean;
}

/** The loaded database: n-gram → (offset into `pairs`) × 64 + (languages it lists). */
interface ScoreTable {
  readonly codes: readonly string[];
  readonly averages: readonly number[];
  readonly offsets: ReadonlyMap<string, number>;
  readonly pairs: Int32Array;
  readonly dictionary: readonly string[];
  readonly separators: RegExp;
  /** Per-language sums, reused by each call (detection is synchronous). */
  readonly sums: Float64Array;
}

/** eld subtracts this from every stored n-gram score to keep its files small; added back when scoring. */
const baseNgramScore = 53;
/** eld's `orderAndScale` scale. */
const scale = 25;
/** eld's `isReliable` default threshold ratio. */
const reliableRatio = 0.75;
/** eld reads at most this many characters. */
const maxChars = 1000;
/** UTF-8 bytes after which eld stops at the next space, and stops at once. */
const cutAfterBytes = 350;
const enforceCutAfterBytes = 380;
/** Longest word (in bytes) whose n-grams are taken. */
const maxWordBytes = 70;

interface EldNgramsModule {
  readonly ngramsData: {
    readonly type: string;
    readonly languages: Readonly<Record<string, string>>;
    readonly ngrams: Readonly<Record<string, Readonly<Record<string, number>>>>;
  };
}

/**
 * Reads eld's `medium` database, byte dictionary, separators and average scores and packs the
 * n-gram table (once per process; eld's own import of the same files is shared, not loaded twice).
 *
 * @throws EngineError INTERNAL when eld's files are not the `medium` (`M60`) data this was written for.
 */
export async function loadEldScores(): Promise<(text: string) => EldScores> {
  const entry = import.meta.resolve('eld/medium');
  const [ngramsModule, dictionaryModule, patternsModule, averagesModule] = (await Promise.all([
    import(new URL('../ngrams/medium.js', entry).href),
    import(new URL('../dictionary.js', entry).href),
    import(new URL('../regexPatterns.js', entry).href),
    import(new URL('../avgScore.js', entry).href),
  ])) as [
    EldNgramsModule,
    { readonly dictionary: readonly string[] },
    { readonly separators: RegExp },
    { readonly avgScore: Readonly<Record<string, number>> },
  ];
  const data = ngramsModule.ngramsData;
  if (
    data?.type !== 'M60' ||
    !Array.isArray(dictionaryModule.dictionary) ||
    !(patternsModule.separators instanceof RegExp)
  )
    throw new EngineError('INTERNAL', "eld's files are not the 2.1.0 medium database language identification reads");
  const count = Object.keys(data.languages).length;
  // An n-gram's languages are counted in the low six bits of its packed offset.
  if (count >= 64) throw new EngineError('INTERNAL', `eld's database lists ${count} languages; at most 63 are packed`);
  const codes = Array.from({ length: count }, (_, index) => data.languages[index] ?? '');
  const averages = codes.map((code) => averagesModule.avgScore[code] ?? Number.NaN);
  const offsets = new Map<string, number>();
  const pairs: number[] = [];
  for (const [ngram, scores] of Object.entries(data.ngrams)) {
    const start = pairs.length;
    let listed = 0;
    for (const language in scores) {
      pairs.push(Number(language), (scores[language] as number) + baseNgramScore);
      listed += 1;
    }
    offsets.set(ngram, start * 64 + listed);
  }
  const table: ScoreTable = {
    codes,
    averages,
    offsets,
    pairs: Int32Array.from(pairs),
    dictionary: dictionaryModule.dictionary,
    separators: patternsModule.separators,
    sums: new Float64Array(count),
  };
  return (text) => scoresOf(table, text);
}

/** eld's `strToUtf8Bytes`: the words of `text` (already separated by single spaces), each as eld's byte characters. */
function byteWords(text: string, dictionary: readonly string[]): string[] {
  let encoded = '';
  const words: string[] = [];
  let bytes = 0;
  for (let index = 0; index < text.length; index++) {
    let code = text.charCodeAt(index);
    if (code < 0x80) {
      if (code === 32) {
        if (encoded !== '') {
          words.push(encoded);
          encoded = '';
        }
        if (bytes > cutAfterBytes) break;
      } else encoded += text[index];
      bytes += 1;
    } else if (code < 0x800) {
      encoded += `${dictionary[0xc0 | (code >> 6)]}${dictionary[0x80 | (code & 0x3f)]}`;
      bytes += 2;
    } else if (code < 0xd800 || code >= 0xe000) {
      encoded += `${dictionary[0xe0 | (code >> 12)]}${dictionary[0x80 | ((code >> 6) & 0x3f)]}${dictionary[0x80 | (code & 0x3f)]}`;
      bytes += 3;
    } else {
      index += 1;
      code = 0x10000 + (((code & 0x3ff) << 10) | (text.charCodeAt(index) & 0x3ff));
      encoded += `${dictionary[0xf0 | (code >> 18)]}${dictionary[0x80 | ((code >> 12) & 0x3f)]}${dictionary[0x80 | ((code >> 6) & 0x3f)]}${dictionary[0x80 | (code & 0x3f)]}`;
      bytes += 4;
    }
    if (bytes > enforceCutAfterBytes) break;
  }
  if (encoded !== '') words.push(encoded);
  return words;
}

/** eld's `getByteNgrams`: the distinct n-grams of the words, in the order first met. */
function ngramsOf(words: readonly string[]): Set<string> {
  const ngrams = new Set<string>();
  for (const word of words) {
    const length = Math.min(word.length, maxWordBytes);
    let at = 0;
    for (; at + 4 < length; at += 3) ngrams.add(`${at === 0 ? ' ' : ''}${word.substring(at, at + 4)}`);
    ngrams.add(`${at === 0 ? ' ' : ''}${word.substring(length !== 3 ? length - 4 : 0)} `);
  }
  return ngrams;
}

const none: EldScores = Object.freeze({ language: '', top: 0, second: 0, reliable: false });

function scoresOf(table: ScoreTable, raw: string): EldScores {
  const text = raw.substring(0, maxChars).replace(table.separators, ' ').trim().toLowerCase();
  const ngrams = ngramsOf(byteWords(text, table.dictionary));
  const { sums, pairs, offsets, codes } = table;
  sums.fill(0);
  for (const ngram of ngrams) {
    const packed = offsets.get(ngram);
    if (packed === undefined) continue;
    const start = Math.floor(packed / 64);
    const end = start + (packed % 64) * 2;
    for (let at = start; at < end; at += 2) {
      const language = pairs[at] as number;
      sums[language] = (sums[language] as number) + (pairs[at + 1] as number);
    }
  }
  // eld's `orderAndScale`, first two places only: scores high to low, ties in language order.
  // A score rises with its sum, so the first place is also eld's `getMaxLang` (the first
  // language with the highest positive sum): one pass gives both.
  const distinct = ngrams.size;
  let top = 0;
  let topIndex = -1;
  let second = 0;
  let secondIndex = -1;
  for (let language = 0; language < sums.length; language++) {
    const sum = sums[language] as number;
    if (!(sum > 0)) continue;
    const perNgram = sum / distinct;
    const score = perNgram / (perNgram + scale);
    if (score > top) {
      second = top;
      secondIndex = topIndex;
      top = score;
      topIndex = language;
    } else if (score > second) {
      second = score;
      secondIndex = language;
    }
  }
  if (topIndex < 0) return none;
  const best = topIndex;
  const runnerUp = Math.max(secondIndex, 0);
  const reliable =
    distinct >= 3 && !((table.averages[best] as number) * reliableRatio > top || 0.01 > Math.abs(top - runnerUp));
  return { language: codes[best] as string, top, second, reliable };
}
