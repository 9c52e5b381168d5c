import { splitEntityKey } from '../../events/index.js';
import { fromPaymentEvent, ocseTypology, type PaymentRecord } from '../../payments/index.js';
import type { CaseEvent, CaseFile } from '../report-transactions.js';
import { type ChatEvidence, chatEvidence } from './cybertip-chat.js';
import { type CybertipIpCaptureEvent, cybertipDateTime, cybertipIpCaptureEvent } from './cybertip-schema.js';
import type { CybertipEventName } from './cybertip-values.js';

/**
 * What a case's timeline says, read once for the CyberTipline assembly: the events it holds by
 * kind (hash matches, live-stream matches, payments, chat messages and indicators, uploads), the IP addresses
 * its events named, and the typologies that alerted. Only plain timeline data is read (the
 * `detail` of an event or match entry is the event; a `typology:<name>:…` ref names a typology).
 */

/** Everything the assembly reads from a case. */
export interface CaseEvidence {
  readonly subject: { readonly type: string; readonly id: string };
  readonly events: readonly CaseEvent[];
  /** `media.matched` events (every source). */
  readonly matches: readonly CaseEvent[];
  /** `media.matched` events of a watched live stream (`data.source: stream`). */
  readonly streamMatches: readonly CaseEvent[];
  readonly payments: readonly { readonly event: CaseEvent; readonly record: PaymentRecord }[];
  /** The chat events read for the report: indicators, messages, families, the minor↔minor label. */
  readonly chat: ChatEvidence;
  readonly typologies: ReadonlySet<string>;
  /** A sextortion typology alerted: the OCSE pack's (victim or mule), or any whose name says `sextortion` (the chat pack's). */
  readonly sextortion: boolean;
  /** The sextortion-victim typology alerted: the subject is a victim (the protective workflow), not an offender. */
  readonly sextortionVictim: boolean;
  readonly livestreamPayer: boolean;
}

/** The OCSE pack's sextortion typologies (the pack owns the names). */
const sextortionTypologies = new Set<string>([ocseTypology.sextortionVictim, ocseTypology.sextortionMule]);

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function caseEvent(detail: unknown, time: string): CaseEvent | undefined {
  const value = record(detail);
  if (value === undefined || typeof value.id !== 'string' || typeof value.type !== 'string') return undefined;
  const entities: Record<string, string> = {};
  for (const [role, id] of Object.entries(record(value.entities) ?? {}))
    if (typeof id === 'string') entities[role] = id;
  return { id: value.id, type: value.type, time, entities, data: record(value.data) ?? {} };
}

/** Reads a case's timeline (each event once, in timeline order). Pure. */
export function caseEvidence(file: CaseFile): CaseEvidence {
  const events: CaseEvent[] = [];
  const seen = new Set<string>();
  const typologies = new Set<string>();
  for (const entry of file.timeline) {
    const typology = /^typology:([a-z0-9_]+):/.exec(entry.ref)?.[1];
    if (typology !== undefined) typologies.add(typology);
    if (entry.kind !== 'event' && entry.kind !== 'match') continue;
    const event = caseEvent(entry.detail, entry.time);
    if (event === undefined || seen.has(event.id)) continue;
    seen.add(event.id);
    events.push(event);
  }
  const matches = events.filter((event) => event.type === 'media.matched');
  const payments: { event: CaseEvent; record: PaymentRecord }[] = [];
  for (const event of events) {
    const paid = event.type === 'payment.sent' ? fromPaymentEvent(event) : undefined;
    if (paid !== undefined) payments.push({ event, record: paid });
  }
  return {
    subject: splitEntityKey(file.subject),
    events,
    matches,
    streamMatches: matches.filter((event) => event.data.source === 'stream'),
    payments,
    chat: chatEvidence(events, file.timeline, typologies),
    typologies,
    sextortion: [...typologies].some((name) => sextortionTypologies.has(name) || name.includes('sextortion')),
    // The typology's subject is the paying account (T5): only then is the case's subject the victim.
    sextortionVictim: typologies.has(ocseTypology.sextortionVictim) && file.subject.startsWith('payment_account:'),
    livestreamPayer: typologies.has(ocseTypology.livestreamPayer),
  };
}

/** The media source an event names in `data.media` (evidence item id, URL), or none. */
export function mediaSourcesOf(event: CaseEvent): { readonly url?: string; readonly evidenceId?: string } {
  const media = record(event.data.media);
  return {
    ...(typeof media?.url === 'string' ? { url: media.url } : {}),
    ...(typeof media?.evidenceId === 'string' ? { evidenceId: media.evidenceId } : {}),
  };
}

/** The role whose account did what an event records (the IP of the event is that account's). */
export function actorRole(event: CaseEvent): string {
  return event.type === 'payment.sent' ? 'payment_account' : 'user';
}

/** The CyberTipline event name of an IP seen on an event: Purchase for payments and gifts, Upload, Registration, else Other. */
function ipEventName(event: CaseEvent): CybertipEventName {
  if (event.type === 'payment.sent' || event.type === 'gift.sent') return 'Purchase';
  if (event.type === 'media.uploaded') return 'Upload';
  if (event.type === 'account.created') return 'Registration';
  return 'Other';
}

/** `value` when it is a date-time the report accepts, else undefined (the field is then left out). */
export function validDateTime(value: string): string | undefined {
  return cybertipDateTime.safeParse(value).success ? value : undefined;
}

/** The event's `ip` entity as an `ipCaptureEvent`, or undefined when it has none or it is not an IP address. */
export function ipCaptureOf(event: CaseEvent, eventName = ipEventName(event)): CybertipIpCaptureEvent | undefined {
  const ipAddress = event.entities.ip;
  if (ipAddress === undefined) return undefined;
  const dateTime = validDateTime(event.time);
  const capture = { ipAddress, eventName, ...(dateTime === undefined ? {} : { dateTime }) };
  return cybertipIpCaptureEvent.safeParse(capture).success ? capture : undefined;
}
