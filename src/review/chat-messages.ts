import type { AuditAction } from '../audit/index.js';
import { checkReason } from '../audit/index.js';
import type { CaseTimelineEntry } from '../cases/index.js';
import { EngineError } from '../core/index.js';
import { mayWorkChildSafety, type Person, personActor } from '../people/index.js';
import type { RevealPolicy } from './reveal-policy.js';
import type { ChatIndicatorItem, ChatView, RevealedMessage } from './review-records.js';

/**
 * Chat cases in the review console: the indicator timeline a reviewer sees first (families,
 * times, directions, confidences, languages, message ids; no text), the case view's timeline
 * with message text withheld, and the audited, permission-checked reveal of one message's text.
 */

/** An event as the case timeline or the event log holds it (plain data). */
interface ChatEvent {
  readonly id: string;
  readonly type: string;
  readonly time: string;
  readonly entities: Readonly<Record<string, string>>;
  readonly data: Readonly<Record<string, unknown>>;
}

/**
 * Where a message reveal reads from, without auditing (the reveal writes its own audit entry):
 * the case's whole timeline, and events of the event log by id (a message the chat pack derived
 * indicators from may predate the case and not be on its timeline).
 */
export interface ChatMessageSource {
  timeline(caseId: number): Promise<readonly CaseTimelineEntry[]>;
  events(ids: readonly string[]): Promise<readonly ChatEvent[]>;
}

/** The reviewer's exposure status (the wellness budget): at `stop`, no reveal of any kind. */
export type ExposureCheck = (
  person: Person,
) => Promise<{ readonly status: 'ok' | 'warn' | 'stop'; readonly suggestion: { readonly message: string } | null }>;

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The event an `event` entry holds, or undefined. */
function eventOf(entry: Pick<CaseTimelineEntry, 'kind' | 'detail' | 'time'>): ChatEvent | undefined {
  if (entry.kind !== 'event') return undefined;
  const detail = record(entry.detail);
  if (typeof detail?.id !== 'string' || typeof detail.type !== 'string') return undefined;
  const entities: Record<string, string> = {};
  for (const [role, id] of Object.entries(record(detail.entities) ?? {}))
    if (typeof id === 'string') entities[role] = id;
  return { id: detail.id, type: detail.type, time: entry.time, entities, data: record(detail.data) ?? {} };
}

/**
 * A timeline entry's detail as the console may send it: a message event's `data.text` replaced
 * by `text_withheld: true` (the text is revealed on demand, audited); anything else unchanged.
 */
export function withoutMessageText(entry: Pick<CaseTimelineEntry, 'kind' | 'detail'>): unknown {
  const detail = record(entry.detail);
  if (entry.kind !== 'event' || typeof detail?.type !== 'string' || !detail.type.startsWith('message.'))
    return entry.detail;
  const data = record(detail.data);
  if (data === undefined || !('text' in data)) return entry.detail;
  const { text: _withheld, ...rest } = data;
  return { ...detail, data: { ...rest, text_withheld: true } };
}

function direction(event: ChatEvent, subject: string): ChatIndicatorItem['direction'] {
  const subjectId = subject.slice(subject.indexOf(':') + 1);
  if (event.entities.user === subjectId) return 'from_subject';
  if (event.entities.recipient === subjectId) return 'to_subject';
  return 'other';
}

/**
 * The chat part of a case view from its timeline entries (any order): each `chat.indicator` hit
 * oldest first, with its direction relative to the case's subject (an entity key such as
 * `user:u-1`), the number of distinct messages the entries name and the report readiness the
 * caller worked out; null when the entries hold no chat event. Pure.
 */
export function chatView(
  entries: readonly CaseTimelineEntry[],
  subject: string,
  policy: RevealPolicy,
  reportReadiness: readonly string[],
): ChatView | null {
  const indicators: ChatIndicatorItem[] = [];
  const messages = new Set<string>();
  for (const entry of entries) {
    const event = eventOf(entry);
    if (event === undefined) continue;
    if (event.type === 'message.sent') messages.add(event.id);
    if (event.type !== 'chat.indicator') continue;
    const { family, message_id: messageId, confidence, language } = event.data;
    if (typeof family !== 'string' || typeof messageId !== 'string') continue;
    messages.add(messageId);
    indicators.push({
      id: event.id,
      time: event.time,
      family,
      direction: direction(event, subject),
      sender: event.entities.user ?? null,
      recipient: event.entities.recipient ?? null,
      confidence: typeof confidence === 'number' ? confidence : null,
      language: typeof language === 'string' ? language : null,
      messageId,
    });
  }
  if (indicators.length === 0 && messages.size === 0) return null;
  indicators.sort((a, b) => Date.parse(a.time) - Date.parse(b.time) || (a.id < b.id ? -1 : 1));
  return {
    indicators,
    messages: messages.size,
    revealReasonRequired: policy.messageText.reasonRequired,
    reportReadiness,
  };
}

/**
 * Reveals one message of a case to one person, in this order: the person may work child-safety
 * material (`media.reveal` with the `child_safety_reviewer` role **and** a recorded opt-in, as for
 * media reveals), the reason the reveal policy asks for, the exposure budget (no reveal at the
 * hard stop), the message is one the case names (a `message.sent` event on its timeline, or the
 * `message_id` of one of its `chat.indicator` events, then read from the event log), and only
 * after the `message.reveal` audit entry (who, case, message, when, reason) is written is the
 * text returned. The caller checked `cases.review` and the case's queue.
 *
 * @throws EngineError `AUTH_FORBIDDEN`, `REASON_REQUIRED`, `EXPOSURE_LIMIT`, `MESSAGE_NOT_FOUND`.
 */
export async function revealMessage(input: {
  readonly caseId: number;
  readonly person: Person;
  readonly messageId: string;
  readonly reason: unknown;
  readonly policy: RevealPolicy;
  readonly source: ChatMessageSource;
  readonly exposure: ExposureCheck | undefined;
  readonly audit: { record(...actions: AuditAction[]): Promise<unknown> };
  readonly now: Date;
}): Promise<RevealedMessage> {
  const { caseId, person, messageId } = input;
  if (!mayWorkChildSafety(person))
    throw new EngineError(
      'AUTH_FORBIDDEN',
      'revealing message text needs the child_safety_reviewer role with a recorded opt-in to child-safety work',
    );
  const given = typeof input.reason === 'string' && input.reason.trim() === '' ? undefined : input.reason;
  const reason =
    given === undefined && !input.policy.messageText.reasonRequired
      ? 'revealed to decide the case'
      : checkReason(given);
  const exposure = await input.exposure?.(person);
  if (exposure?.status === 'stop')
    throw new EngineError('EXPOSURE_LIMIT', exposure.suggestion?.message ?? 'the exposure limit is reached');
  const entries = await input.source.timeline(caseId);
  let message: ChatEvent | undefined;
  let named = false;
  for (const entry of entries) {
    const event = eventOf(entry);
    if (event?.type === 'message.sent' && event.id === messageId) message = event;
    if (event?.type === 'chat.indicator' && event.data.message_id === messageId) named = true;
  }
  let from: 'timeline' | 'event_log' = 'timeline';
  if (message === undefined && named) {
    message = (await input.source.events([messageId])).find((event) => event.type === 'message.sent');
    from = 'event_log';
  }
  if (message === undefined) throw new EngineError('MESSAGE_NOT_FOUND', `case ${caseId} names no message ${messageId}`);
  const text = typeof message.data.text === 'string' ? message.data.text : null;
  const revealedAt = input.now.toISOString();
  await input.audit.record({
    actor: personActor(person),
    action: 'message.reveal',
    subject: `case:${caseId}`,
    reason,
    detail: { case: caseId, message: messageId, at: revealedAt, from, characters: text?.length ?? 0 },
  });
  return {
    messageId,
    time: message.time,
    sender: message.entities.user ?? null,
    recipient: message.entities.recipient ?? null,
    text,
    revealedAt,
  };
}
