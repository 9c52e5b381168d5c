import { chatTypologyNames, isIndicatorFamily, minorToMinorLabel } from '../../chat/index.js';
import type { CaseEvent, CaseFile } from '../report-transactions.js';
import { characterCount, fitLongText } from '../text-fitting.js';
import type { CybertipInternetDetail } from './cybertip-schema.js';
import { type CybertipReportAnnotation, cybertipTextLimit } from './cybertip-values.js';

/**
 * The chat part of a CyberTipline report: what a case's `chat.indicator` and `message.sent`
 * events say (message ids, times, parties, indicator families), the chat or online-gaming
 * incident they make, and the annotations they justify. Never message text and never an
 * indicator's span: the report carries what Prevail knows without a person reading the chat;
 * the platform preserves the messages (18 U.S.C. § 2258A(h)) and the message ids name them.
 */

/** The age bands (`data.recipient_age_band`) that say the recipient is a minor. */
const minorBands = new Set(['under_13', '0-12', '13-15', '16-17', 'minor']);

/** `data.surface` values that say the conversation happened inside a game. */
const gamingSurfaces = new Set(['game', 'gaming', 'in_game']);

/** One indicator hit on the case (a `chat.indicator` event), without its span. */
export interface ChatIndicator {
  readonly eventId: string;
  readonly time: string;
  readonly family: string;
  readonly messageId: string;
  readonly sender: string | undefined;
  readonly recipient: string | undefined;
  /** The event says the recipient is a minor (`recipient_minor`, `recipient_age_band`, `recipient_age`). */
  readonly recipientMinor: boolean;
}

/** One message of the case, as the report names it: id, time, parties, the families found in it. */
export interface ChatMessageRef {
  readonly id: string;
  readonly time: string;
  readonly sender: string | undefined;
  readonly recipient: string | undefined;
  readonly conversation: string | undefined;
  readonly families: readonly string[];
}

/** What a case's chat events say. */
export interface ChatEvidence {
  readonly indicators: readonly ChatIndicator[];
  /** Every message the case names (a `message.sent` event, or an indicator's `message_id`), oldest first. */
  readonly messages: readonly ChatMessageRef[];
  /** Each family with the number of hits, in first-seen order. */
  readonly families: ReadonlyMap<string, number>;
  /** The `chat_minor_to_minor` label was added on the case (a label entry or a rule hit's effect). */
  readonly minorToMinor: boolean;
  /** Set when a chat event says it happened in a game (`data.surface`); `name` from `data.game`. */
  readonly gaming: { readonly name: string | undefined } | undefined;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function recipientIsMinor(data: Readonly<Record<string, unknown>>): boolean {
  if (data.recipient_minor === true) return true;
  if (typeof data.recipient_age_band === 'string' && minorBands.has(data.recipient_age_band)) return true;
  return typeof data.recipient_age === 'number' && data.recipient_age >= 0 && data.recipient_age < 18;
}

/** Whether a timeline entry adds the minor↔minor label (its label entry, or a rule hit whose effects add it). */
function addsMinorLabel(entry: CaseFile['timeline'][number]): boolean {
  const detail = record(entry.detail);
  if (entry.kind === 'label') return detail?.action === 'add' && detail.label === minorToMinorLabel;
  if (entry.kind !== 'rule_hit' || !Array.isArray(detail?.effects)) return false;
  return detail.effects.some((effect) => {
    const item = record(effect);
    return item?.kind === 'label' && item.action === 'add' && item.label === minorToMinorLabel;
  });
}

function byTime<T extends { readonly time: string }>(a: T, b: T): number {
  return Date.parse(a.time) - Date.parse(b.time);
}

/**
 * Reads the chat events of a case (its timeline's events, each once, given by the caller) and
 * its timeline's labels. An indicator whose family is not a family name is skipped. Pure.
 */
export function chatEvidence(
  events: readonly CaseEvent[],
  timeline: CaseFile['timeline'],
  typologies: ReadonlySet<string> = new Set(),
): ChatEvidence {
  const indicators: ChatIndicator[] = [];
  const messages = new Map<string, { ref: Omit<ChatMessageRef, 'families'>; families: string[] }>();
  let gaming: { name: string | undefined } | undefined;
  for (const event of events) {
    if (event.type !== 'chat.indicator' && event.type !== 'message.sent') continue;
    if (typeof event.data.surface === 'string' && gamingSurfaces.has(event.data.surface))
      gaming = { name: gaming?.name ?? text(event.data.game) };
    const parties = { sender: event.entities.user, recipient: event.entities.recipient };
    if (event.type === 'message.sent') {
      const known = messages.get(event.id);
      messages.set(event.id, {
        ref: { id: event.id, time: event.time, ...parties, conversation: event.entities.conversation },
        families: known?.families ?? [],
      });
      continue;
    }
    const family = event.data.family;
    const messageId = text(event.data.message_id);
    if (typeof family !== 'string' || !isIndicatorFamily(family) || messageId === undefined) continue;
    indicators.push({
      eventId: event.id,
      time: event.time,
      family,
      messageId,
      ...parties,
      recipientMinor: recipientIsMinor(event.data),
    });
    const known = messages.get(messageId);
    if (known === undefined)
      messages.set(messageId, {
        ref: { id: messageId, time: event.time, ...parties, conversation: undefined },
        families: [family],
      });
    else if (!known.families.includes(family)) known.families.push(family);
  }
  indicators.sort(byTime);
  const families = new Map<string, number>();
  for (const hit of indicators) families.set(hit.family, (families.get(hit.family) ?? 0) + 1);
  return {
    indicators,
    messages: [...messages.values()].map(({ ref, families: found }) => ({ ...ref, families: found })).sort(byTime),
    families,
    minorToMinor: typologies.has(chatTypologyNames.minorToMinor) || timeline.some(addsMinorLabel),
    gaming,
  };
}

/**
 * The account a chat report names as reported: the case's subject id, but for a case about a pair
 * of users (`dyad:<a>~<b>`, the chat pack's dyad entity), the member of the pair who sent the most
 * indicator hits (the first in id order on a tie; the first member when neither sent any).
 */
export function chatReportedAccount(
  subject: { readonly type: string; readonly id: string },
  chat: ChatEvidence,
): string {
  if (subject.type !== 'dyad') return subject.id;
  const members = subject.id.split('~').sort();
  const hits = (member: string) => chat.indicators.filter((hit) => hit.sender === member).length;
  return [...members].sort((a, b) => hits(b) - hits(a))[0] ?? subject.id;
}

/**
 * The report annotations the chat evidence justifies, each with the reason the assembly notes:
 * - `sextortion`: an `exposure_threat` hit and a `payment_instruction` or `deadline` hit, or a
 *   sextortion typology (`sextortionTypology`);
 * - `csamSolicitation`: a `photo_call_request` hit toward a recipient known to be a minor (the
 *   event says so, or the case carries the minor↔minor label);
 * - `minorToMinorInteraction`: the case carries the pack's minor↔minor label or typology.
 */
export function chatAnnotations(
  chat: ChatEvidence,
  sextortionTypology: boolean,
): { readonly annotation: CybertipReportAnnotation; readonly reason: string }[] {
  const found: { annotation: CybertipReportAnnotation; reason: string }[] = [];
  const has = (family: string) => chat.families.has(family);
  if (has('exposure_threat') && (has('payment_instruction') || has('deadline')))
    found.push({
      annotation: 'sextortion',
      reason: `Annotation "sextortion": exposure threats with ${has('payment_instruction') ? 'payment instructions' : 'a deadline'} in the chat.`,
    });
  else if (sextortionTypology && chat.indicators.length > 0)
    found.push({ annotation: 'sextortion', reason: 'Annotation "sextortion": a sextortion typology alerted.' });
  const solicited = chat.indicators.filter(
    (hit) => hit.family === 'photo_call_request' && (hit.recipientMinor || chat.minorToMinor),
  );
  if (solicited.length > 0)
    found.push({
      annotation: 'csamSolicitation',
      reason: `Annotation "csamSolicitation": ${solicited.length} request(s) for photos or calls toward a minor.`,
    });
  if (chat.minorToMinor)
    found.push({
      annotation: 'minorToMinorInteraction',
      reason: `Annotation "minorToMinorInteraction": the chat pack found both parties minors (${minorToMinorLabel}).`,
    });
  return found;
}

function summary(chat: ChatEvidence): string {
  const first = chat.messages[0];
  const last = chat.messages[chat.messages.length - 1];
  const span = first === undefined || last === undefined ? '' : `, ${first.time} to ${last.time}`;
  const families = [...chat.families].map(([family, count]) => `${family} (${count})`).join(', ');
  return [
    `${chat.messages.length} message(s) in the case${span}.`,
    families === '' ? 'No indicator family was found.' : `Indicator families found by Prevail: ${families}.`,
    'Message text is not included: the platform preserves the messages under the ids listed.',
  ].join(' ');
}

/**
 * The chat incident: `onlineGamingIncident` when a chat event says the conversation was in a game
 * (`data.surface: game`, the game's name from `data.game`), else `chatImIncident` (client = the
 * platform, the room when the messages name exactly one conversation). Its content lists each
 * message by time, id, sender, recipient and the indicator families found in it, never its text,
 * cut to 3000 characters (noted).
 */
export function chatIncident(chat: ChatEvidence, platform: string, notes: string[]): CybertipInternetDetail {
  const lines = chat.messages.map(
    (message) =>
      `${message.time} message ${message.id}: ${message.sender ?? '(unknown)'} to ${message.recipient ?? message.conversation ?? '(unknown)'}${message.families.length > 0 ? `; indicators: ${message.families.join(', ')}` : ''}`,
  );
  const content = lines.join('\n');
  if (characterCount(content) > cybertipTextLimit)
    notes.push('The chat’s message list is longer than 3000 characters; the report carries its beginning.');
  const fitted = fitLongText(content, cybertipTextLimit);
  const additionalInfo = fitLongText(summary(chat), cybertipTextLimit);
  if (chat.gaming !== undefined) {
    notes.push('Incident "onlineGamingIncident": the chat events say the conversation was in a game.');
    return {
      type: 'onlineGaming',
      ...(chat.gaming.name === undefined ? { gameName: platform } : { gameName: fitLongText(chat.gaming.name, 255) }),
      content: fitted,
      additionalInfo,
    };
  }
  const rooms = new Set(chat.messages.map((message) => message.conversation).filter((id) => id !== undefined));
  const [room] = rooms;
  return {
    type: 'chatIm',
    chatClient: platform,
    ...(rooms.size === 1 && room !== undefined ? { chatRoomName: fitLongText(room, 255) } : {}),
    content: fitted,
    additionalInfo,
  };
}

/**
 * What a chat case still lacks before its CyberTipline report says all it could, each as a
 * sentence naming the missing thing; empty when nothing is missing. Checks: a chat message or
 * indicator at all, the recipient of each message (`entities.recipient`), that the case's subject
 * is a party to the messages, and whether a photo or call request has a recipient whose age is
 * known (else `csamSolicitation` cannot be set from the case; the reviewer may add it). Pure.
 */
export function chatReadiness(subject: string, chat: ChatEvidence): string[] {
  if (chat.messages.length === 0)
    return ['chat: the case holds no message.sent or chat.indicator event, so it has no chat incident to report'];
  const problems: string[] = [];
  const noRecipient = chat.messages.filter((message) => message.recipient === undefined);
  if (noRecipient.length > 0)
    problems.push(
      `recipient: ${noRecipient.length} message(s) name no recipient (entities.recipient), e.g. ${noRecipient[0]?.id}: the report cannot name their intended recipient`,
    );
  const noSender = chat.messages.filter((message) => message.sender === undefined);
  if (noSender.length > 0)
    problems.push(`sender: ${noSender.length} message(s) name no sender (entities.user), e.g. ${noSender[0]?.id}`);
  const type = subject.slice(0, subject.indexOf(':'));
  const id = subject.slice(subject.indexOf(':') + 1);
  const parties = new Set(type === 'dyad' ? id.split('~') : [id]);
  if (
    !chat.messages.some(
      (message) =>
        (message.sender !== undefined && parties.has(message.sender)) ||
        (message.recipient !== undefined && parties.has(message.recipient)),
    )
  )
    problems.push(`subject: ${subject} neither sent nor received any of the case's messages`);
  const unknownAge = chat.indicators.filter(
    (hit) => hit.family === 'photo_call_request' && !hit.recipientMinor && !chat.minorToMinor,
  );
  if (unknownAge.length > 0)
    problems.push(
      `recipient age: ${unknownAge.length} photo or call request(s) toward a recipient not known to be a minor: csamSolicitation is not set from the case (a reviewer who knows may add it)`,
    );
  return problems;
}
