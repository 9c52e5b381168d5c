import type { LexiconBank, LexiconEntry, PhraseStep } from './lexicon.js';
import { compilePhrase } from './lexicon.js';
import { type ChatToken, Evasion, type NormalisedText } from './normalise.js';

/** One compiled entry with its bank. */
export interface CompiledEntry {
  readonly bank: LexiconBank;
  readonly entry: LexiconEntry;
  readonly steps: readonly PhraseStep[];
  /** The phrase's words run together (word steps only), for spaced-out letter runs. */
  readonly squashed: string | undefined;
}

/** One entry found in a message: token range, raw range, the normalised span, evasion undone. */
export interface PhraseMatch {
  readonly compiled: CompiledEntry;
  readonly rawStart: number;
  readonly rawEnd: number;
  readonly span: string;
  /** `Evasion` flags of the matched tokens (plus `Confusable` when a look-alike key matched). */
  readonly evasion: number;
}

interface TrieNode {
  readonly words: Map<string, TrieNode>;
  /** Prefix steps, indexed by their first four letters. */
  readonly prefixes: Map<string, [string, TrieNode][]>;
  any: TrieNode | undefined;
  readonly ends: CompiledEntry[];
}

function node(): TrieNode {
  return { words: new Map(), prefixes: new Map(), any: undefined, ends: [] };
}

const minSquashed = 6;
const maxMatches = 200;

function collapseRuns(value: string): string {
  return value.replace(/([a-z])\1+/g, '$1');
}

/**
 * Multi-phrase matcher over normalised tokens: one word trie for every bank, walked from each
 * token (a map lookup per word; prefix steps are indexed by their first four letters), so a
 * message costs about one lookup per word whatever the number of entries. A word trie rather
 * than a character automaton (`modern-ahocorasick`): the automaton would need a word-boundary
 * check after every hit and cannot take a word's second key (look-alike scripts); the trie needs
 * neither. Not measured side by side; the bench (`npm run bench -- chat-text`) shows its cost.
 */
export class PhraseMatcher {
  readonly #root = node();
  readonly #squashed: CompiledEntry[] = [];

  constructor(banks: readonly LexiconBank[]) {
    for (const bank of banks) {
      for (const entry of bank.entries) {
        const steps = compilePhrase(entry.phrase, `${bank.name} entry '${entry.id}'`);
        const wordsOnly = steps.every((step) => step.type === 'word');
        const squashed = wordsOnly
          ? collapseRuns(steps.map((step) => (step.type === 'word' ? step.key : '')).join(''))
          : undefined;
        const compiled: CompiledEntry = { bank, entry, steps, squashed };
        let at = this.#root;
        for (const step of steps) {
          if (step.type === 'any') {
            at.any ??= node();
            at = at.any;
          } else if (step.type === 'word') {
            let next = at.words.get(step.key);
            if (next === undefined) {
              next = node();
              at.words.set(step.key, next);
            }
            at = next;
          } else {
            const head = step.key.slice(0, 4);
            let list = at.prefixes.get(head);
            if (list === undefined) {
              list = [];
              at.prefixes.set(head, list);
            }
            let found = list.find(([prefix]) => prefix === step.key)?.[1];
            if (found === undefined) {
              found = node();
              list.push([step.key, found]);
            }
            at = found;
          }
        }
        at.ends.push(compiled);
        if (squashed !== undefined && squashed.length >= minSquashed && steps.length > 1) this.#squashed.push(compiled);
      }
    }
  }

  /** Every entry found in the message (both tracks: words as written, and spaced letters re-joined). */
  match(normalised: NormalisedText): PhraseMatch[] {
    const found: PhraseMatch[] = [];
    this.#walkAll(normalised.tokens, found, false);
    if (normalised.joined !== normalised.tokens) {
      this.#walkAll(normalised.joined, found, true);
      for (const token of normalised.joined) {
        if ((token.evasion & Evasion.Spaced) === 0) continue;
        for (const compiled of this.#squashed) {
          if (found.length >= maxMatches) break;
          if (compiled.squashed !== undefined && token.key.includes(compiled.squashed)) {
            found.push({
              compiled,
              rawStart: token.rawStart,
              rawEnd: token.rawEnd,
              span: compiled.squashed,
              evasion: token.evasion,
            });
          }
        }
      }
    }
    return found;
  }

  #walkAll(tokens: readonly ChatToken[], found: PhraseMatch[], spacedOnly: boolean): void {
    for (let start = 0; start < tokens.length && found.length < maxMatches; start += 1) {
      this.#walk(this.#root, tokens, start, start, 0, found, spacedOnly);
    }
  }

  #walk(
    at: TrieNode,
    tokens: readonly ChatToken[],
    start: number,
    index: number,
    lookalike: number,
    found: PhraseMatch[],
    spacedOnly: boolean,
  ): void {
    if (at.ends.length > 0 && index > start) {
      let evasion = lookalike;
      let span = '';
      for (let i = start; i < index; i += 1) {
        const token = tokens[i] as ChatToken;
        evasion |= token.evasion;
        span += i === start ? token.key : ` ${token.key}`;
      }
      if (!spacedOnly || (evasion & Evasion.Spaced) !== 0) {
        const first = tokens[start] as ChatToken;
        const last = tokens[index - 1] as ChatToken;
        for (const compiled of at.ends) {
          if (found.length >= maxMatches) return;
          found.push({ compiled, rawStart: first.rawStart, rawEnd: last.rawEnd, span, evasion });
        }
      }
    }
    const token = tokens[index];
    if (token === undefined) return;
    this.#step(at, token.key, tokens, start, index, lookalike, found, spacedOnly);
    if (token.alt !== undefined)
      this.#step(at, token.alt, tokens, start, index, lookalike | Evasion.Confusable, found, spacedOnly);
    if (at.any !== undefined && index > start)
      this.#walk(at.any, tokens, start, index + 1, lookalike, found, spacedOnly);
  }

  #step(
    at: TrieNode,
    key: string,
    tokens: readonly ChatToken[],
    start: number,
    index: number,
    lookalike: number,
    found: PhraseMatch[],
    spacedOnly: boolean,
  ): void {
    const next = at.words.get(key);
    if (next !== undefined) this.#walk(next, tokens, start, index + 1, lookalike, found, spacedOnly);
    if (at.prefixes.size > 0 && key.length >= 4) {
      const list = at.prefixes.get(key.slice(0, 4));
      if (list !== undefined) {
        for (const [prefix, child] of list) {
          if (key.startsWith(prefix)) this.#walk(child, tokens, start, index + 1, lookalike, found, spacedOnly);
        }
      }
    }
  }
}
