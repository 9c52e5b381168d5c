import type { IndicatorFamily } from './indicator-families.js';

/**
 * The contract between chat text and the engine. A `ChatAnalyser` turns one message's raw text
 * into indicator hits and payment handles; the chat pack turns those into `chat.indicator` events
 * and graph links. It is pure and synchronous (no I/O, no clock): the same lexicons and the same
 * message give the same analysis, which is what makes derived events replayable.
 */
export interface ChatMessageInput {
  /** The `message.sent` event id. */
  readonly messageId: string;
  /** The conversation (or the dyad key when the platform sends no conversation id). */
  readonly conversationId: string;
  readonly senderId: string;
  readonly recipientId?: string;
  /** Raw text as sent (at most 20,000 characters, the event schema's limit). */
  readonly text: string;
  /**
   * The conversation's language so far, when known (language is identified per conversation,
   * not per message: short messages are unreliable). Absent → identify from this text alone.
   */
  readonly conversationLanguage?: string;
}

/** One lexicon entry matched in one message. */
export interface IndicatorHit {
  readonly family: IndicatorFamily;
  /** 0..1: the entry's weight, lowered for evasive spellings the normaliser had to undo. */
  readonly confidence: number;
  /** BCP-47 primary tag (`en`, `fr`, `es`, `pt`, `tl`) of the lexicon that matched, or `any`. */
  readonly language: string;
  /** The lexicon bank and its version that matched (provenance). */
  readonly lexicon: string;
  readonly lexiconVersion: number;
  /** The entry's id inside its lexicon (stable), never its text. */
  readonly entryId: string;
  /**
   * SHA-256 (hex) of the normalised matched span. Features and events carry this, never the
   * span: reviewers read the text from the message itself, on demand.
   */
  readonly spanHash: string;
  /** Character offsets of the match in the raw text (for highlighting on demand). */
  readonly rawStart: number;
  readonly rawEnd: number;
}

/** Kinds of payment handle a message can name. */
export type HandleKind = 'gift_card_code' | 'p2p_handle' | 'crypto_wallet' | 'phone_number' | 'email' | 'iban';

/**
 * A payment handle found in a message, as a graph entity: `entityId` is what a payment's
 * `payee_account` (or a gift card's code) is keyed by, so a payment to a handle named in a chat
 * lands in the same case. Normalised (upper-cased codes without separators, E.164 phones,
 * lower-cased emails and `$cashtags`).
 */
export interface ExtractedHandle {
  readonly kind: HandleKind;
  /** The normalised handle, e.g. `$fakename`, `+15550100`, `GCXXXX…`. */
  readonly value: string;
  /** The entity id the handle links to: `<kind>:<value>`. */
  readonly entityId: string;
  readonly rawStart: number;
  readonly rawEnd: number;
}

export interface ChatAnalysis {
  /** The language used for matching: the conversation's, this text's, or `und` (then only `any` lexicons plus all languages' were run). */
  readonly language: string;
  /** 0..1 confidence of `language`; `und` below the floor. */
  readonly languageConfidence: number;
  readonly hits: readonly IndicatorHit[];
  readonly handles: readonly ExtractedHandle[];
  /** Share of characters the normaliser changed (confusables, leet, spacing): an evasion signal. */
  readonly normalisedShare: number;
}

export interface ChatAnalyser {
  analyse(message: ChatMessageInput): ChatAnalysis;
  /** The lexicon banks loaded, for provenance in alerts and docs. */
  readonly lexicons: readonly { readonly name: string; readonly version: number; readonly language: string }[];
}
