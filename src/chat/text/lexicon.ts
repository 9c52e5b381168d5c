import { EngineError } from '../../core/index.js';
import { type IndicatorFamily, isIndicatorFamily } from '../indicator-families.js';
import { phraseKeys } from './normalise.js';

/** Languages a lexicon bank is written for; `any` holds words of no one language (app names, brands, emoji). */
export const lexiconLanguages = ['en', 'fr', 'es', 'pt', 'tl', 'any'] as const;
export type LexiconLanguage = (typeof lexiconLanguages)[number];

/**
 * What a bank does: `indicators` entries raise hits; `allow` entries remove the hits they overlap
 * (a benign phrase that contains an indicator, such as "secret santa"); `suppress` entries lower
 * the confidence of every hit of their family in the same message by their weight (a surprise
 * party, a team practice).
 */
export const lexiconKinds = ['indicators', 'allow', 'suppress'] as const;
export type LexiconKind = (typeof lexiconKinds)[number];

/** Where a bank's entries come from (named sources, never copied lists). */
export interface LexiconSource {
  readonly title: string;
  readonly url?: string;
  readonly note?: string;
}

/** One entry as written in a file. */
export interface LexiconEntry {
  /** Stable id inside the bank (`[a-z0-9][a-z0-9_.:-]*`); events carry it, never the phrase. */
  readonly id: string;
  /** A shipped family or `custom:<name>`; `*` (every family) in allow and suppress banks. */
  readonly family: IndicatorFamily | '*';
  /**
   * Words matched on token boundaries after normalisation. `*` alone is any one word (at most
   * two, never first or last); `word*` is any word starting with `word` (at least four letters).
   */
  readonly phrase: string;
  /** 0 < weight ≤ 1: the hit's confidence (indicators) or how much it is lowered (suppress). */
  readonly weight: number;
}

/** A lexicon bank file (JSON or YAML). */
export interface LexiconBank {
  readonly name: string;
  readonly version: number;
  readonly language: LexiconLanguage;
  readonly kind: LexiconKind;
  readonly description?: string;
  readonly sources: readonly LexiconSource[];
  readonly entries: readonly LexiconEntry[];
}

/** One word of a compiled phrase. */
export type PhraseStep =
  | { readonly type: 'word'; readonly key: string }
  | { readonly type: 'prefix'; readonly key: string }
  | { readonly type: 'any' };

/** Limits a bank is checked against. */
export const lexiconLimits = {
  maxEntries: 5000,
  maxPhraseChars: 200,
  maxWords: 8,
  maxWildcards: 2,
  /** Letters a phrase must hold outside wildcards (shorter ones fire everywhere). */
  minLiteralChars: 4,
  minPrefixChars: 4,
} as const;

const namePattern = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
const idPattern = /^[a-z0-9][a-z0-9_.:-]{0,79}$/;

function fail(where: string, reason: string): never {
  throw new EngineError('LEXICON_INVALID', `${where}: ${reason}`);
}

/**
 * Compiles a phrase to match steps through the normaliser, so a phrase meets text exactly as a
 * message's words are normalised.
 * @throws EngineError LEXICON_INVALID (with `where`) when the phrase is empty or over-broad.
 */
export function compilePhrase(phrase: string, where: string): PhraseStep[] {
  if (phrase.length > lexiconLimits.maxPhraseChars)
    fail(where, `the phrase is longer than ${lexiconLimits.maxPhraseChars} characters`);
  const steps: PhraseStep[] = [];
  for (const word of phrase.trim().split(/\s+/)) {
    if (word === '') continue;
    if (word === '*') {
      steps.push({ type: 'any' });
      continue;
    }
    const isPrefix = word.endsWith('*');
    const keys = phraseKeys(isPrefix ? word.slice(0, -1) : word);
    if (isPrefix) {
      const last = keys.pop();
      for (const key of keys) steps.push({ type: 'word', key });
      if (last === undefined || last.length < lexiconLimits.minPrefixChars) {
        fail(where, `a prefix word needs at least ${lexiconLimits.minPrefixChars} letters before '*'`);
      }
      steps.push({ type: 'prefix', key: last });
    } else {
      for (const key of keys) steps.push({ type: 'word', key });
    }
  }
  if (steps.length === 0) fail(where, 'the phrase is empty after normalisation');
  if (steps.length > lexiconLimits.maxWords) fail(where, `the phrase has more than ${lexiconLimits.maxWords} words`);
  const wildcards = steps.filter((step) => step.type === 'any').length;
  if (wildcards > lexiconLimits.maxWildcards) fail(where, `more than ${lexiconLimits.maxWildcards} '*' words`);
  if (steps[0]?.type === 'any' || steps[steps.length - 1]?.type === 'any') {
    fail(where, "a phrase may not start or end with '*' (it would match around every word)");
  }
  const literal = steps.reduce((sum, step) => sum + (step.type === 'any' ? 0 : step.key.length), 0);
  if (literal < lexiconLimits.minLiteralChars) {
    fail(where, `over-broad: fewer than ${lexiconLimits.minLiteralChars} letters outside wildcards`);
  }
  return steps;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown, where: string, field: string, optional = false): string | undefined {
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'string' || value.length === 0) fail(where, `'${field}' must be a non-empty string`);
  if (value.length > 2000) fail(where, `'${field}' is longer than 2000 characters`);
  return value;
}

/**
 * Checks a parsed lexicon file and returns it typed. Every entry's phrase is compiled, so a bank
 * that passes loads. `origin` names the file in messages.
 * @throws EngineError LEXICON_INVALID naming the file, the entry id and the reason: a missing or
 *   wrong field, a duplicate id or phrase, an unknown family (`evasion` is computed by the
 *   normaliser, not listed), an empty or over-broad phrase, a weight outside (0, 1], too many entries.
 */
export function checkLexicon(value: unknown, origin: string): LexiconBank {
  if (!isRecord(value)) fail(origin, 'a lexicon bank is an object');
  const name = text(value.name, origin, 'name') as string;
  if (!namePattern.test(name)) fail(origin, `name '${name}' must match ${namePattern.source}`);
  const where = `${origin} (${name})`;
  const version = value.version;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    fail(where, "'version' must be a positive integer");
  }
  const language = value.language;
  if (typeof language !== 'string' || !(lexiconLanguages as readonly string[]).includes(language)) {
    fail(where, `'language' must be one of ${lexiconLanguages.join(', ')}`);
  }
  const kind = value.kind;
  if (typeof kind !== 'string' || !(lexiconKinds as readonly string[]).includes(kind)) {
    fail(where, `'kind' must be one of ${lexiconKinds.join(', ')}`);
  }
  const description = text(value.description, where, 'description', true);
  if (!Array.isArray(value.sources) || value.sources.length === 0) {
    fail(where, "'sources' must list at least one source (provenance)");
  }
  const sources: LexiconSource[] = value.sources.map((source: unknown, index: number) => {
    const at = `${where} source ${index + 1}`;
    if (!isRecord(source)) fail(at, 'a source is an object with a title');
    const url = text(source.url, at, 'url', true);
    const note = text(source.note, at, 'note', true);
    return {
      title: text(source.title, at, 'title') as string,
      ...(url !== undefined ? { url } : {}),
      ...(note !== undefined ? { note } : {}),
    };
  });
  if (!Array.isArray(value.entries) || value.entries.length === 0) fail(where, "'entries' must be a non-empty list");
  if (value.entries.length > lexiconLimits.maxEntries) fail(where, `more than ${lexiconLimits.maxEntries} entries`);
  const ids = new Set<string>();
  const phrases = new Map<string, string>();
  const entries = value.entries.map((entry: unknown, index: number): LexiconEntry => {
    if (!isRecord(entry)) fail(`${where} entry ${index + 1}`, 'an entry is an object');
    const id = entry.id;
    if (typeof id !== 'string' || !idPattern.test(id)) {
      fail(`${where} entry ${index + 1}`, `'id' must match ${idPattern.source}`);
    }
    const at = `${where} entry '${id}'`;
    if (ids.has(id)) fail(at, 'duplicate id');
    ids.add(id);
    const family = entry.family;
    if (typeof family !== 'string') fail(at, "'family' must be a string");
    if (family === '*') {
      if (kind === 'indicators') fail(at, "family '*' is only for allow and suppress banks");
    } else if (family === 'evasion') {
      fail(at, "'evasion' is computed by the normaliser, not listed in lexicons");
    } else if (!isIndicatorFamily(family)) {
      fail(at, `unknown family '${family}' (a shipped family, or custom:<lowercase_name> for your own)`);
    }
    const weight = entry.weight;
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0 || weight > 1) {
      fail(at, "'weight' must be a number in (0, 1]");
    }
    const phrase = text(entry.phrase, at, 'phrase') as string;
    const steps = compilePhrase(phrase, at);
    const key = `${family} ${steps.map((step) => (step.type === 'any' ? '*' : `${step.type}:${step.key}`)).join(' ')}`;
    const earlier = phrases.get(key);
    if (earlier !== undefined) fail(at, `the same phrase as entry '${earlier}' after normalisation`);
    phrases.set(key, id);
    return { id, family: family as IndicatorFamily | '*', phrase, weight };
  });
  return {
    name,
    version,
    language: language as LexiconLanguage,
    kind: kind as LexiconKind,
    ...(description !== undefined ? { description } : {}),
    sources,
    entries,
  };
}
