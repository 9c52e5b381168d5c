import { z } from 'zod';
import { signalTypeByName } from '../../signals/index.js';
import { parseAddedOn } from '../added-on.js';
import type { ExchangeDelta, ExchangeSignal } from '../exchange-client.js';
import { signalForIndicatorType } from '../signal-names.js';
import { parseJsonPage } from '../upstream-page.js';

const pageSchema = z.looseObject({
  data: z.array(z.unknown()).max(1_000_000),
  paging: z.looseObject({ next: z.string().max(8192).nullish() }).nullish(),
});

/** A parsed `threat_updates` page. */
export type ThreatUpdatesPage = z.infer<typeof pageSchema>;

/**
 * Parses a `threat_updates` body.
 *
 * @throws EngineError `EXCHANGE_PAGE_MALFORMED` for a body that is not JSON or has no `data` list.
 */
export function parseThreatUpdatesPage(body: string): ThreatUpdatesPage {
  return parseJsonPage(body, pageSchema, 'not a threat_updates page (no data list)');
}

/** How a descriptor's `status` reads as an opinion (pytx): anything unknown is a seed, kept verbatim. */
function opinionOf(status: unknown): 'positive' | 'negative' | 'seed' {
  if (status === 'MALICIOUS') return 'positive';
  if (status === 'NON_MALICIOUS') return 'negative';
  return 'seed';
}

/**
 * One `threat_updates` item as a delta keyed `<signal type>:<value>` (Prevail's name and
 * normalised value where the indicator type maps to a Prevail signal and the value is valid;
 * otherwise ThreatExchange's type and the indicator as sent), or `undefined` for an item with no
 * `indicator` or `type` (cannot be keyed; counted as skipped). The item's `last_updated` (unix
 * seconds) is returned for the checkpoint.
 *
 * - **Deletes** when `should_delete` is true, when `descriptors` is missing (TE#834), or when no
 *   descriptor has an owner (descriptors without one are dropped, TE#1198).
 * - Metadata: the indicator id, type, `last_updated`, and each descriptor's id, owner, status
 *   (unknown values kept) with its opinion, tags (either Graph form, as strings), reactions and
 *   `added_on`; unknown item fields are kept under `extra`.
 */
export function threatUpdateDelta(raw: unknown): { delta: ExchangeDelta; lastUpdated: number | undefined } | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const item = raw as Record<string, unknown>;
  const { indicator, type } = item;
  if (typeof indicator !== 'string' || indicator === '' || indicator.length > 65_536) return undefined;
  if (typeof type !== 'string' || type === '' || type.length > 100) return undefined;
  const lastUpdated = unixSeconds(item.last_updated);
  const prevailType = signalForIndicatorType(type);
  let signal: ExchangeSignal | undefined;
  if (prevailType !== undefined) {
    try {
      signal = { signalType: prevailType, value: signalTypeByName(prevailType).parse(indicator) };
    } catch {
      signal = undefined;
    }
  }
  const key = signal === undefined ? `${type}:${indicator}` : `${signal.signalType}:${signal.value}`;
  const owned = descriptorsOf(item.descriptors);
  if (item.should_delete === true || owned === undefined || owned.length === 0) {
    return { delta: { key, record: null }, lastUpdated };
  }
  const { id, indicator: _i, type: _t, last_updated, should_delete: _d, descriptors: _ds, ...extra } = item;
  const metadata: Record<string, unknown> = { id, type, lastUpdated: last_updated, descriptors: owned };
  if (prevailType !== undefined && signal === undefined) metadata.invalidIndicator = true;
  if (Object.keys(extra).length > 0) metadata.extra = extra;
  return { delta: { key, record: { signals: signal === undefined ? [] : [signal], metadata } }, lastUpdated };
}

function descriptorsOf(value: unknown): Record<string, unknown>[] | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const list = (value as { data?: unknown }).data ?? value;
  if (!Array.isArray(list)) return undefined;
  const owned: Record<string, unknown>[] = [];
  for (const descriptor of list) {
    if (descriptor === null || typeof descriptor !== 'object') continue;
    const { id, owner, status, tags, reactions, my_reactions, added_on } = descriptor as Record<string, unknown>;
    const ownerId = (owner as { id?: unknown } | null | undefined)?.id;
    if (typeof ownerId !== 'string' && typeof ownerId !== 'number') continue;
    owned.push({
      id: typeof id === 'string' || typeof id === 'number' ? String(id) : undefined,
      ownerId: String(ownerId),
      status,
      opinion: opinionOf(status),
      tags: tagsOf(tags),
      reactions,
      myReactions: my_reactions,
      addedOn: added_on,
    });
  }
  return owned;
}

/** Tags as a list of strings, from either Graph form: `["a"]` or `{"data": [{"id", "text"}]}`. */
function tagsOf(tags: unknown): string[] {
  const list = Array.isArray(tags) ? tags : (tags as { data?: unknown } | null | undefined)?.data;
  if (!Array.isArray(list)) return [];
  return list
    .map((tag) => (typeof tag === 'string' ? tag : (tag as { text?: unknown } | null)?.text))
    .filter((tag): tag is string => typeof tag === 'string');
}

function unixSeconds(value: unknown): number | undefined {
  const number = typeof value === 'string' && /^[0-9]{1,12}$/.test(value) ? Number(value) : value;
  if (typeof number === 'number' && Number.isSafeInteger(number) && number >= 0) return number;
  const iso = typeof value === 'string' ? parseAddedOn(value) : undefined;
  return iso === undefined ? undefined : Math.floor(Date.parse(iso) / 1000);
}
