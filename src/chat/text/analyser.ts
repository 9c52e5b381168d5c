import { createHash } from 'node:crypto';
import type { ChatAnalyser, ChatAnalysis, ChatMessageInput, IndicatorHit } from '../chat-analysis.js';
import type { IndicatorFamily } from '../indicator-families.js';
import { extractHandles, type HandleOptions } from './handles.js';
import { defaultLanguageFloor, identifyLanguage, type LanguageFloor, type LanguageGuess } from './language.js';
import type { LexiconBank } from './lexicon.js';
import { type PhraseMatch, PhraseMatcher } from './matcher.js';
import { Evasion, normalise } from './normalise.js';
import { shippedLexicons } from './shipped-lexicons.js';

export interface ChatAnalyserOptions extends HandleOptions {
  /** The banks to run (default: the shipped ones). */
  readonly lexicons?: readonly LexiconBank[];
  /** Operator banks added to them (from `loadOperatorLexicons`). */
  readonly extraLexicons?: readonly LexiconBank[];
  /** When a text's language is `und` (default: at least 12 letters and confidence 0.5). */
  readonly languageFloor?: LanguageFloor;
}

/** Languages with shipped indicator banks; another identified language runs every bank. */
const matchedLanguages = new Set(['en', 'fr', 'es', 'pt', 'tl']);
/** Confidence kept when a match needed evasion undoing (a spelling meant to slip past filters). */
const evasionFactor = 0.8;
const maxTextChars = 20_000;
const normaliserLexicon = 'prevail-normaliser';

function evasionEntry(flags: number): string {
  if ((flags & Evasion.Spaced) !== 0) return 'evasion.spaced';
  if ((flags & Evasion.Confusable) !== 0) return 'evasion.confusable';
  if ((flags & Evasion.Hidden) !== 0) return 'evasion.hidden';
  if ((flags & Evasion.Leet) !== 0) return 'evasion.leet';
  return 'evasion.stretch';
}

/** Span hashes already computed: the same few phrases match again and again. */
const spanHashes = new Map<string, string>();
const maxCachedSpanHashes = 4096;

/** SHA-256 of a matched span, hex; remembered for the next time the same span matches. */
function sha256Hex(text: string): string {
  let hash = spanHashes.get(text);
  if (hash === undefined) {
    hash = createHash('sha256').update(text, 'utf8').digest('hex');
    if (spanHashes.size >= maxCachedSpanHashes) spanHashes.clear();
    spanHashes.set(text, hash);
  }
  return hash;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function overlaps(a: PhraseMatch, b: PhraseMatch): boolean {
  return a.rawStart < b.rawEnd && b.rawStart < a.rawEnd;
}

/** Which banks run for a language: its own plus `any`; Tagalog adds English (Taglish); `und` or another language runs all. */
function runs(bankLanguage: string, language: string): boolean {
  if (bankLanguage === 'any' || !matchedLanguages.has(language)) return true;
  return bankLanguage === language || (language === 'tl' && bankLanguage === 'en');
}

/**
 * The chat text analyser: normalise → language → match every bank → allow and suppress → hits,
 * plus payment handles. Pure and synchronous after construction: the banks are compiled once
 * (a bad bank throws `LEXICON_INVALID` here, not per message), and `analyse` reads no clock and
 * does no I/O, so the same message and banks always give the same analysis.
 *
 * Confidence of a hit: the entry's weight, × 0.8 when the match needed evasion undone, × (1 − w)
 * for each suppress entry of its family (or `*`) matched in the same message. An allow entry
 * removes the hits of its family (or every family for `*`) whose span it overlaps. A match that
 * needed evasion undone also gives one `evasion` hit (lexicon `prevail-normaliser`), with
 * confidence 0.4 + 0.5 × the message's normalised share.
 */
export function createChatAnalyser(options: ChatAnalyserOptions = {}): ChatAnalyser {
  const banks = [...(options.lexicons ?? shippedLexicons()), ...(options.extraLexicons ?? [])];
  const matcher = new PhraseMatcher(banks);
  const floor = options.languageFloor ?? defaultLanguageFloor;
  const handleOptions: HandleOptions =
    options.defaultPhoneRegion !== undefined ? { defaultPhoneRegion: options.defaultPhoneRegion } : {};
  return {
    lexicons: banks.map((bank) => ({ name: bank.name, version: bank.version, language: bank.language })),
    analyse(message: ChatMessageInput): ChatAnalysis {
      const text = message.text.length > maxTextChars ? message.text.slice(0, maxTextChars) : message.text;
      const normalised = normalise(text);
      // The conversation's language when given (`und` included: then every bank runs); this
      // text's own only when absent. Leetspeak and look-alikes fool the detector, so it reads the
      // normalised words when the normaliser changed much.
      const guess: LanguageGuess =
        message.conversationLanguage !== undefined
          ? {
              language: message.conversationLanguage,
              confidence: message.conversationLanguage === 'und' ? 0 : 1,
            }
          : identifyLanguage(normalised.normalisedShare > 0.1 ? normalised.text : text, floor);
      const matches = matcher.match(normalised).filter((match) => runs(match.compiled.bank.language, guess.language));
      const analysis = (hits: IndicatorHit[]): ChatAnalysis => ({
        language: guess.language,
        languageConfidence: guess.confidence,
        hits,
        handles: extractHandles(text, handleOptions),
        normalisedShare: round(normalised.normalisedShare),
      });
      // Most messages match nothing: no allow, suppress or hit bookkeeping for them.
      if (matches.length === 0) return analysis([]);
      const allows = matches.filter((match) => match.compiled.bank.kind === 'allow');
      const suppressFactor = new Map<string, number>();
      for (const match of matches) {
        if (match.compiled.bank.kind !== 'suppress') continue;
        const family = match.compiled.entry.family;
        suppressFactor.set(family, (suppressFactor.get(family) ?? 1) * (1 - match.compiled.entry.weight));
      }
      const indicators = matches.filter((match) => match.compiled.bank.kind === 'indicators');
      const hits: IndicatorHit[] = [];
      const seen = new Set<string>();
      const evasionSpans = new Set<string>();
      for (const match of indicators) {
        const { bank, entry } = match.compiled;
        const family = entry.family as IndicatorFamily;
        // A shorter entry inside a longer one of the same bank and family adds nothing.
        const inside = indicators.some(
          (other) =>
            other !== match &&
            other.compiled.bank === bank &&
            other.compiled.entry.family === family &&
            other.rawStart <= match.rawStart &&
            other.rawEnd >= match.rawEnd &&
            other.rawEnd - other.rawStart > match.rawEnd - match.rawStart,
        );
        if (inside) continue;
        const allowed = allows.some(
          (allow) =>
            (allow.compiled.entry.family === '*' || allow.compiled.entry.family === family) && overlaps(allow, match),
        );
        if (allowed) continue;
        const dedupe = `${bank.name}\u0000${entry.id}\u0000${match.rawStart}`;
        if (seen.has(dedupe)) continue;
        seen.add(dedupe);
        let confidence = entry.weight;
        if (match.evasion !== 0) confidence *= evasionFactor;
        confidence *= (suppressFactor.get(family) ?? 1) * (suppressFactor.get('*') ?? 1);
        const spanHash = sha256Hex(match.span);
        const language = bank.language;
        hits.push({
          family,
          confidence: round(confidence),
          language,
          lexicon: bank.name,
          lexiconVersion: bank.version,
          entryId: entry.id,
          spanHash,
          rawStart: match.rawStart,
          rawEnd: match.rawEnd,
        });
        const stretchOnly = match.evasion === Evasion.Stretch;
        if (match.evasion !== 0 && !stretchOnly && !evasionSpans.has(`${match.rawStart}:${match.rawEnd}`)) {
          evasionSpans.add(`${match.rawStart}:${match.rawEnd}`);
          hits.push({
            family: 'evasion',
            confidence: round(Math.min(0.9, 0.4 + 0.5 * normalised.normalisedShare)),
            language,
            lexicon: normaliserLexicon,
            lexiconVersion: 1,
            entryId: evasionEntry(match.evasion),
            spanHash,
            rawStart: match.rawStart,
            rawEnd: match.rawEnd,
          });
        }
      }
      return analysis(hits);
    },
  };
}
