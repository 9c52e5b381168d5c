import type { CaseSource, CaseTimelineEntry, CaseTraits } from './case-records.js';

type Entry = Omit<CaseTimelineEntry, 'caseId'>;

/**
 * The sources of a case, lowest rank first: when a case holds evidence of several kinds, the
 * source of the highest rank names it (a bank match outranks everything: it is known material).
 * `stream` is a bank match on a watched live stream's frame; `hash_match` a bank match on media
 * a caller sent (`/v1/match`, HMA lookups).
 */
export const caseSources: readonly CaseSource[] = ['other', 'chat', 'payments', 'stream', 'hash_match'];

/** The sources queues order as "hash matches", right after imminent harm. */
export const hashMatchSources: readonly CaseSource[] = ['hash_match', 'stream'];

/**
 * The label that marks imminent harm: a rule adding it to a case's subject (a `label` effect,
 * declared in the policy's `labels.yaml`) makes the case imminent. An integrator may also flag an
 * event itself with `data.imminent_harm: true` (e.g. a user report naming a child in danger now).
 */
export const imminentHarmLabel = 'imminent_harm';

/** The rank of a source (other 0 … hash_match 4). */
export function sourceRank(source: CaseSource): number {
  return caseSources.indexOf(source);
}

/** The sources ranked below `source` (those it replaces when stored traits merge). */
export function sourcesBelow(source: CaseSource): CaseSource[] {
  return caseSources.filter((item) => sourceRank(item) < sourceRank(source));
}

/** The traits of a case nobody has said anything about. */
export const noTraits: CaseTraits = Object.freeze({ source: 'other', typology: null, imminent: false });

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * The source one timeline entry shows:
 * - a `match` entry (a `media.matched` event): `stream` when the event's `data.source` is
 *   `stream` (a watcher's frame), else `hash_match`;
 * - an `event` entry: `payments` for a `payment.*` event type, `chat` for `message.*` and
 *   `chat.*` (indicators and handles derived from messages);
 * - anything else (sessions, reports, labels, rule hits): `other`.
 */
export function entrySource(entry: Entry): CaseSource {
  const detail = record(entry.detail);
  if (entry.kind === 'match') return record(detail?.data)?.source === 'stream' ? 'stream' : 'hash_match';
  if (entry.kind !== 'event') return 'other';
  const type = detail?.type;
  if (typeof type !== 'string') return 'other';
  if (type.startsWith('payment.')) return 'payments';
  if (type.startsWith('message.') || type.startsWith('chat.')) return 'chat';
  return 'other';
}

/**
 * The typology a `rule_hit` entry says reached its case threshold (the entry the engine adds when
 * a typology opens or raises a case carries `detail.typology`); a hit that only added points
 * names none: points alone never raised a case.
 */
function entryTypology(entry: Entry): string | undefined {
  if (entry.kind !== 'rule_hit') return undefined;
  const typology = record(entry.detail)?.typology;
  return typeof typology === 'string' && typology !== '' ? typology : undefined;
}

/**
 * Whether an entry says imminent harm: the `imminent_harm` label added (its label entry, or the
 * rule hit whose effects add it: a case opened by the same hit has the hit but not yet the label
 * entry), or an event flagged so.
 */
function entryImminent(entry: Entry): boolean {
  const detail = record(entry.detail);
  if (entry.kind === 'label') return detail?.action === 'add' && detail.label === imminentHarmLabel;
  if (entry.kind === 'rule_hit') {
    const effects = Array.isArray(detail?.effects) ? detail.effects : [];
    return effects.some((effect) => {
      const item = record(effect);
      return item?.kind === 'label' && item.action === 'add' && item.label === imminentHarmLabel;
    });
  }
  if (entry.kind === 'event' || entry.kind === 'match') return record(detail?.data)?.imminent_harm === true;
  return false;
}

/**
 * The traits the entries the engine adds to a case show (pure; the same entries give the same
 * traits): the highest-ranked source of any entry (`entrySource`), the typology that raised it
 * (the first whose case threshold was reached; null when a rule's case effect raised it), and
 * imminent harm (any entry says so). Storage merges these with what it holds
 * (`CaseUpdate.traits`): the higher source wins, imminent is OR, a typology once set is kept.
 */
export function caseTraits(entries: readonly Entry[]): CaseTraits {
  let source: CaseSource = 'other';
  let typology: string | null = null;
  let imminent = false;
  for (const entry of entries) {
    const candidate = entrySource(entry);
    if (sourceRank(candidate) > sourceRank(source)) source = candidate;
    typology ??= entryTypology(entry) ?? null;
    imminent ||= entryImminent(entry);
  }
  return { source, typology, imminent };
}
