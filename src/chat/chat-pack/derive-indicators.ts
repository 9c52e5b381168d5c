import type { EngineEvent } from '../../events/index.js';
import type { DerivationContext, DerivedEvent, EventDerivation, EventDeriver } from '../../packs/index.js';
import type { ChatAnalyser, ExtractedHandle, IndicatorHit } from '../chat-analysis.js';
import { dyadEntityId } from '../dyad.js';
import { LanguageTracker, languageIdentificationLoaded } from '../text/language.js';

/** The most `chat.indicator` events one message derives (one per family, the most confident). */
const maxIndicatorsPerMessage = 16;
/** The most `chat.handle` events one message derives. */
const maxHandlesPerMessage = 8;

/** The most confident hit of each family, in the order the families first appear. */
function onePerFamily(hits: readonly IndicatorHit[]): IndicatorHit[] {
  const best = new Map<string, IndicatorHit>();
  for (const hit of hits) {
    const known = best.get(hit.family);
    if (known === undefined || hit.confidence > known.confidence) best.set(hit.family, hit);
  }
  return [...best.values()].slice(0, maxIndicatorsPerMessage);
}

function distinctHandles(handles: readonly ExtractedHandle[]): ExtractedHandle[] {
  const seen = new Map<string, ExtractedHandle>();
  for (const handle of handles) if (!seen.has(handle.entityId)) seen.set(handle.entityId, handle);
  return [...seen.values()].slice(0, maxHandlesPerMessage);
}

function indicatorEvent(
  message: EngineEvent,
  roles: Readonly<Record<string, string>>,
  hit: IndicatorHit,
  id: string,
  language: string,
): DerivedEvent {
  return {
    id,
    type: 'chat.indicator',
    time: message.time,
    entities: roles,
    data: {
      family: hit.family,
      confidence: hit.confidence,
      language: hit.language === 'any' ? language : hit.language,
      message_id: message.id,
      span_hash: hit.spanHash,
      lexicon: hit.lexicon,
      lexicon_version: hit.lexiconVersion,
      entry_id: hit.entryId,
    },
  };
}

function handleEvent(
  message: EngineEvent,
  roles: Readonly<Record<string, string>>,
  handle: ExtractedHandle,
  id: string,
): DerivedEvent {
  return {
    id,
    type: 'chat.handle',
    time: message.time,
    entities: { ...roles, handle: handle.entityId },
    data: { kind: handle.kind, message_id: message.id },
  };
}

/** Conversations whose language is tracked at once; the least recently seen is forgotten first. */
const maxTrackedConversations = 50_000;

/**
 * The language of each conversation so far (language is identified per conversation, not per
 * message: short messages are unreliable, and identifying each message costs more than matching
 * it). Until a conversation has enough text its language is `und` and every lexicon runs. Kept in
 * memory only: derived events are logged, so nothing derives again after a restart; a
 * conversation forgotten (or a restart) starts again from `und`, which runs more lexicons, never
 * fewer.
 */
class ConversationLanguages {
  readonly #trackers = new Map<string, LanguageTracker>();

  /** The conversation's language after `text`, or undefined when no language data is loaded (an analyser that identifies none). */
  observe(conversationId: string, text: string): string | undefined {
    if (!languageIdentificationLoaded()) return undefined;
    let tracker = this.#trackers.get(conversationId);
    if (tracker === undefined) {
      if (this.#trackers.size >= maxTrackedConversations) {
        const oldest = this.#trackers.keys().next();
        if (oldest.done !== true) this.#trackers.delete(oldest.value);
      }
      tracker = new LanguageTracker();
    } else this.#trackers.delete(conversationId);
    this.#trackers.set(conversationId, tracker);
    return tracker.observe(text).language;
  }
}

/**
 * The chat pack's deriver (see `EventDeriver`): for a `message.sent` naming a `user` and a
 * `recipient`, it adds the pair as the `dyad` role (so per-dyad features count every message,
 * text or none), and, when `analyseText` and the message has text, runs the analyser and derives
 * one `chat.indicator` per family found (`<message id>#ind<n>`, the most confident hit of the
 * family; never the text, only the span's hash) and one `chat.handle` per payment handle named
 * (`<message id>#handle<n>`), whose `handle` role links the sender, the recipient and the pair
 * to the handle's payee account. A group message (no recipient) derives nothing.
 */
export function chatDeriver(analyser: ChatAnalyser, analyseText: boolean): EventDeriver {
  const languages = new ConversationLanguages();
  return (message: EngineEvent, context: DerivationContext): EventDerivation | undefined => {
    if (message.type !== 'message.sent') return undefined;
    const { user, recipient } = message.entities;
    if (user === undefined || recipient === undefined || user === recipient) return undefined;
    const dyad = message.entities.dyad ?? dyadEntityId(user, recipient);
    const addEntities = message.entities.dyad === undefined ? { dyad } : {};
    const text = message.data.text;
    if (!analyseText || typeof text !== 'string' || text.trim() === '') return { addEntities };
    const conversationId = message.entities.conversation ?? dyad;
    const language = languages.observe(conversationId, text);
    const analysis = analyser.analyse({
      messageId: message.id,
      conversationId,
      senderId: user,
      recipientId: recipient,
      text,
      ...(language === undefined ? {} : { conversationLanguage: language }),
    });
    if (analysis.hits.length === 0 && analysis.handles.length === 0) return { addEntities };
    const roles = { user, recipient, dyad };
    const events: DerivedEvent[] = [];
    onePerFamily(analysis.hits).forEach((hit, index) => {
      events.push(indicatorEvent(message, roles, hit, context.idFor(`ind${index}`), analysis.language));
    });
    distinctHandles(analysis.handles).forEach((handle, index) => {
      events.push(handleEvent(message, roles, handle, context.idFor(`handle${index}`)));
    });
    return { addEntities, events };
  };
}

/**
 * An analyser that reads no text: it finds nothing. What the pack runs with until a text
 * analyser is wired in (the composition root), and what a metadata-only deployment is.
 */
export const metadataOnlyAnalyser: ChatAnalyser = Object.freeze({
  lexicons: Object.freeze([]),
  analyse: () => ({ language: 'und', languageConfidence: 0, hits: [], handles: [], normalisedShare: 0 }),
});
