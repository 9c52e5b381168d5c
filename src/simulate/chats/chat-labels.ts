/**
 * The ground truth `prevail simulate chats` writes beside its events: one line per conversation.
 * Class, slice and language strings are storage keys of evaluation files: never rename one.
 */

/** The languages the generator writes. */
export const chatLanguages = ['en', 'fr', 'es', 'pt', 'tl'] as const;
export type ChatLanguage = (typeof chatLanguages)[number];

/** What a conversation is. */
export type ChatClass = 'grooming' | 'sextortion' | 'benign';

/** Risky populations: how a positive conversation was scripted. */
export const riskySlices = ['grooming_fast', 'grooming_slow', 'sextortion'] as const;
/** Benign look-alike populations: each shares the risky vocabulary in an honest context. */
export const benignSlices = [
  'teen_peers',
  'family',
  'coach_teacher',
  'gaming_teammates',
  'adult_dating',
  'customer_support',
  'scam_awareness',
] as const;
export type ChatSlice = (typeof riskySlices)[number] | (typeof benignSlices)[number];

/** One conversation's label. */
export interface ChatLabel {
  readonly conversation: string;
  readonly seed: number;
  readonly class: ChatClass;
  readonly slice: ChatSlice;
  readonly language: ChatLanguage;
  /** The two users: the initiator (the adult or the suspected party where there is one) first. */
  readonly users: readonly [string, string];
  /** Their true ages (the generator's truth; account events carry assured and declared ages). */
  readonly ages: readonly [number, number];
  /** Messages in the conversation. */
  readonly messages: number;
  /**
   * Index (0-based, over the conversation's messages) of the first risky move; null for benign
   * conversations. Latency is measured from here, not from the first message.
   */
  readonly firstRiskyTurn: number | null;
  /** The move of every message, in order (template keys such as `risky_secrecy`, `peer_split`). */
  readonly moves: readonly string[];
  /** The indicator family of each risky move (null for the others), in message order. */
  readonly families: readonly (string | null)[];
  /** True when some lines are spelled evasively (leet, spacing, homoglyphs). */
  readonly evasive: boolean;
  /** True when the messages carry no text (an end-to-end encrypted service: metadata only). */
  readonly textless: boolean;
  /** Minutes from the first message to the last. */
  readonly durationMinutes: number;
}
