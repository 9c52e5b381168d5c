import { createHmac, timingSafeEqual } from 'node:crypto';
import type { CaseTimelineEntry, CaseTraits } from '../cases/index.js';
import type { MediaKind, MediaSource, ResolvedMedia } from './wellness-records.js';

/** What an event's `data.media` may hold (validated by its event type; see `src/events/event-types.ts`). */
interface EventMedia {
  readonly url?: unknown;
  readonly evidenceId?: unknown;
  readonly kind?: unknown;
}

/** Looks up a bank item's category (its provenance), for matches whose event did not carry one. */
export type CategoryLookup = (bank: string, contentId: number) => Promise<string | null>;

/** What the case says about itself that the listing cannot read from the timeline (from queues). */
export type MediaCaseHints = Partial<Pick<CaseTraits, 'typology'>>;

const tagBytes = 18;

/**
 * The id of a media item: `<caseId>-<tag>`, the tag an HMAC-SHA256 (server secret) of the case id
 * and the source. Stable (the same source in the same case always has the same id), and without
 * the secret no id can be made for another case or another source.
 */
export function mediaItemId(secret: Uint8Array, caseId: number, source: MediaSource): string {
  const value = source.origin === 'url' ? source.url : source.evidenceId;
  const tag = createHmac('sha256', secret)
    .update(`media-item\n${caseId}\n${source.origin}\n${value}`)
    .digest()
    .subarray(0, tagBytes)
    .toString('base64url');
  return `${caseId}-${tag}`;
}

/** The case id an item id names, or undefined when the id is not of the `mediaItemId` form. */
export function caseOfItemId(id: string): number | undefined {
  const match = /^([1-9][0-9]{0,15})-([A-Za-z0-9_-]{24})$/.exec(id);
  if (match === null) return undefined;
  const caseId = Number(match[1]);
  return Number.isSafeInteger(caseId) ? caseId : undefined;
}

/** Constant-time comparison of two item ids. */
export function sameItemId(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The sources an entry's event carries in `data.media`: the evidence item first, then the URL. */
function sourcesOf(media: EventMedia): MediaSource[] {
  const sources: MediaSource[] = [];
  if (typeof media.evidenceId === 'string' && media.evidenceId !== '')
    sources.push({ origin: 'evidence', evidenceId: media.evidenceId });
  if (typeof media.url === 'string' && /^https?:\/\//i.test(media.url)) sources.push({ origin: 'url', url: media.url });
  return sources;
}

/** The typology the case was opened for: the newest `typology:<name>:…` rule-hit entry. */
function typologyOf(entries: readonly CaseTimelineEntry[]): string | null {
  let newest: { time: string; name: string } | undefined;
  for (const entry of entries) {
    if (entry.kind !== 'rule_hit' || !entry.ref.startsWith('typology:')) continue;
    const name = entry.ref.split(':')[1];
    if (name === undefined || name === '') continue;
    if (newest === undefined || entry.time > newest.time) newest = { time: entry.time, name };
  }
  return newest?.name ?? null;
}

/** The first bank category the event's matches name, or looked up from the first match. */
async function categoryOf(data: Record<string, unknown>, lookup: CategoryLookup | undefined): Promise<string | null> {
  const matches = Array.isArray(data.matches) ? data.matches.map(record) : [];
  for (const match of matches) if (typeof match?.category === 'string' && match.category !== '') return match.category;
  const first = matches[0];
  if (lookup === undefined || first === undefined) return null;
  if (typeof first.bank !== 'string' || typeof first.contentId !== 'number') return null;
  try {
    return await lookup(first.bank, first.contentId);
  } catch {
    // A bank item deleted since the match: the warning screen says "unknown", it does not fail the case view.
    return null;
  }
}

/**
 * The media items of a case, from its timeline: every event entry whose `data.media` names an
 * evidence item or an http(s) URL, in timeline order, each source once (the same URL on two
 * events is one item: seen once, not twice). `harm.category` is the bank category of the event's
 * match (carried on the event, else looked up); `harm.typology` the case's (given, else read from
 * its typology entries).
 */
export async function listCaseMedia(
  secret: Uint8Array,
  caseId: number,
  entries: readonly CaseTimelineEntry[],
  options: { readonly traits?: MediaCaseHints; readonly categoryOf?: CategoryLookup } = {},
): Promise<ResolvedMedia[]> {
  const typology = options.traits?.typology ?? typologyOf(entries);
  const items: ResolvedMedia[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    if (entry.kind !== 'event' && entry.kind !== 'match') continue;
    const data = record(record(entry.detail)?.data);
    const media = record(data?.media);
    if (data === undefined || media === undefined) continue;
    const sources = sourcesOf(media);
    if (sources.length === 0) continue;
    const category = await categoryOf(data, options.categoryOf);
    const kind: MediaKind = media.kind === 'video' ? 'video' : 'image';
    for (const source of sources) {
      const id = mediaItemId(secret, caseId, source);
      if (seen.has(id)) continue;
      seen.add(id);
      items.push({ id, caseId, kind, harm: { category, typology }, origin: source.origin, source, ref: entry.ref });
    }
  }
  return items;
}
