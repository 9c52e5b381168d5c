import { EngineError } from '../../core/index.js';
import { type EldScores, loadEldScores } from './eld-scores.js';

/** A language guess: a BCP-47 primary tag (or `und`) and a 0..1 confidence. */
export interface LanguageGuess {
  readonly language: string;
  readonly confidence: number;
}

/** Below these, a text's language is `und`: short chat lines fool every detector the note tested. */
export interface LanguageFloor {
  /** Letters the text must hold (default 12). */
  readonly minLetters: number;
  /** Confidence the guess must reach (default 0.5). */
  readonly minConfidence: number;
}

export const defaultLanguageFloor: LanguageFloor = { minLetters: 12, minConfidence: 0.5 };

const undetermined: LanguageGuess = { language: 'und', confidence: 0 };
const maxDetectChars = 1000;

let detector: ((text: string) => EldScores) | undefined;

/**
 * Loads eld's database and packs its n-gram table (`eld-scores.ts`): about 0.55 s of CPU and 65 MB
 * of heap once per process (eld's own data 61 MB and 0.45 s of it, measured on an Intel Xeon). Apart from
 * `identifyLanguage` so that importing the chat module costs nothing: only a process that builds
 * a text analyser (a server whose policy loads the chat pack, `chats evaluate`) pays for it.
 * Idempotent.
 */
export async function loadLanguageIdentification(): Promise<void> {
  detector ??= await loadEldScores();
}

/** Whether `loadLanguageIdentification` has completed in this process. */
export function languageIdentificationLoaded(): boolean {
  return detector !== undefined;
}

/**
 * Letters (`\p{L}`) in a text: counted by character code when the text is ASCII (most chat
 * lines), by the Unicode property otherwise; the same count either way.
 */
function letterCount(text: string): number {
  let letters = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code > 0x7f) return text.match(/\p{L}/gu)?.length ?? 0;
    const lower = code | 0x20;
    if (lower >= 97 && lower <= 122) letters += 1;
  }
  return letters;
}

/**
 * Identifies a text's language with `eld` (2.1.0, Apache-2.0, the static `medium` database the
 * note tested correct on English, French, Spanish, Portuguese and Tagalog sentences and on
 * two-word English and Spanish; eld's answers, worked out by `eld-scores.ts` over eld's data,
 * about five times faster than eld's `detect`). Confidence is eld's top score, halved when eld calls the result
 * unreliable and again when the runner-up scores within 10 % of it. Deterministic; reads at most
 * the first 1,000 characters.
 *
 * @throws EngineError INTERNAL when `loadLanguageIdentification` has not been awaited first.
 */
export function identifyLanguage(text: string, floor: LanguageFloor = defaultLanguageFloor): LanguageGuess {
  return identify(text, floor).guess;
}

/** `identifyLanguage`, with the letters counted in the text read (the tracker needs them too). */
function identify(text: string, floor: LanguageFloor): { guess: LanguageGuess; letters: number } {
  const sample = text.length > maxDetectChars ? text.slice(0, maxDetectChars) : text;
  const letters = letterCount(sample);
  return { guess: letters < floor.minLetters ? undetermined : detect(sample, floor), letters };
}

function detect(sample: string, floor: LanguageFloor): LanguageGuess {
  if (detector === undefined)
    throw new EngineError(
      'INTERNAL',
      'language identification is not loaded: await loadLanguageIdentification() first',
    );
  const { language, top, second, reliable } = detector(sample);
  if (language === '') return undetermined;
  let confidence = Math.min(1, top);
  if (!reliable) confidence /= 2;
  if (second >= top * 0.9) confidence /= 2;
  confidence = Math.round(confidence * 1000) / 1000;
  return confidence >= floor.minConfidence ? { language, confidence } : undetermined;
}

/** The tracker's state, plain JSON: a pack keeps it per conversation and hands it back. */
export interface LanguageTrackerState {
  /** The conversation's text so far, at most 240 characters. */
  readonly sample: string;
  /** The sample's length when it was last identified (identified again after 80 more characters). */
  readonly identifiedAt: number;
  readonly language: string;
  readonly confidence: number;
  /** True once the guess rests on enough text: later messages are not read. */
  readonly settled: boolean;
}

const sampleChars = 240;
const settledLetters = 50;
const settledConfidence = 0.6;
const identifyEvery = 80;

/**
 * A conversation's language, identified from its messages together (a single chat line is too
 * short to tell): each `observe` adds the message to a sample of at most 240 characters, which is
 * identified each time it has grown by 80 characters (`und` before that), until the guess rests
 * on at least 50 letters at confidence 0.6 or more, or the sample is full; from then on it is
 * settled and costs nothing (a conversation costs at most three identifications, not one per
 * message, and most cost one: a first guess at 80 characters that is confident is the language
 * the fuller sample gives in all but about one conversation in 1,600 of `simulate chats`).
 * Pure: no I/O, no clock; the state is plain JSON (`state`), so a pack can keep it beside its
 * other per-conversation features.
 */
export class LanguageTracker {
  #state: LanguageTrackerState;
  readonly #floor: LanguageFloor;

  constructor(state?: LanguageTrackerState, floor: LanguageFloor = defaultLanguageFloor) {
    this.#state = state ?? { sample: '', identifiedAt: 0, language: 'und', confidence: 0, settled: false };
    this.#floor = floor;
  }

  /** Adds one message's text and returns the conversation's language so far. */
  observe(text: string): LanguageGuess {
    if (this.#state.settled) return this.current;
    const sample = (this.#state.sample === '' ? text : `${this.#state.sample}\n${text}`).slice(0, sampleChars);
    const full = sample.length >= sampleChars;
    if (sample.length - this.#state.identifiedAt < identifyEvery && !full) {
      this.#state = { ...this.#state, sample };
      return this.current;
    }
    const { guess, letters } = identify(sample, this.#floor);
    const settled =
      full || (guess.language !== 'und' && guess.confidence >= settledConfidence && letters >= settledLetters);
    this.#state = {
      sample,
      identifiedAt: sample.length,
      language: guess.language,
      confidence: guess.confidence,
      settled,
    };
    return this.current;
  }

  /** The guess so far (`und` until enough text). */
  get current(): LanguageGuess {
    return { language: this.#state.language, confidence: this.#state.confidence };
  }

  /** The state to keep (and pass to the constructor to continue). */
  get state(): LanguageTrackerState {
    return this.#state;
  }
}
