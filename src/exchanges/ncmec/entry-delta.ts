import { signalTypeByName } from '../../signals/index.js';
import type { ExchangeDelta, ExchangeSignal } from '../exchange-client.js';
import { childNamed, childText, type XmlElement } from '../xml-tree.js';
import type { NcmecEntry } from './query-result.js';

/** NCMEC fingerprint element names mapped to Prevail signal types; the rest stay in metadata only. */
const signalByFingerprint: ReadonlyMap<string, string> = new Map([
  ['md5', 'md5'],
  ['pdq', 'pdq'],
]);

/** The entry's own elements the mapping reads; every other child is kept verbatim under `extra`. */
const knownChildren = new Set(['member', 'id', 'timestamp', 'classification', 'fingerprints', 'feedback']);

/**
 * One NCMEC entry as a delta keyed `<member id>-<entry id>` (HMA's fetch id), or `undefined` when
 * it has no member id or no entry id (it cannot be keyed; the caller counts it as skipped).
 *
 * - A `deleted…` entry is a tombstone (`record: null`).
 * - Fingerprints `md5` and `pdq` become signals when their values are valid (any case, trimmed);
 *   every fingerprint with text is also kept in `metadata.fingerprints` (sha1, pdna, netclean…),
 *   invalid md5/pdq values are listed in `metadata.invalidFingerprints`, and href-only "large"
 *   fingerprints (TMK+PDQF, Videntifier, SSVH) are only named in `metadata.largeFingerprints`:
 *   NCMEC asks that their URLs be neither stored nor interpreted.
 * - The member, classification (any value, including ones never seen before), timestamp,
 *   feedback (verbatim) and unknown child elements are kept in `metadata`.
 */
export function ncmecEntryDelta(entry: NcmecEntry): ExchangeDelta | undefined {
  const { element } = entry;
  const member = childNamed(element, 'member');
  const memberId = member?.attributes.id?.trim();
  const entryId = childText(element, 'id');
  if (memberId === undefined || memberId === '' || /\s/.test(memberId) || memberId.length > 64) return undefined;
  if (entryId === undefined || entryId.length > 256) return undefined;
  const key = `${memberId}-${entryId}`;
  if (entry.deleted) return { key, record: null };

  const signals: ExchangeSignal[] = [];
  const fingerprints: Record<string, string> = {};
  const largeFingerprints: string[] = [];
  const invalidFingerprints: string[] = [];
  for (const fingerprint of childNamed(element, 'fingerprints')?.children ?? []) {
    const name = fingerprint.name.toLowerCase();
    const text = fingerprint.text.trim();
    if (text === '') {
      if (fingerprint.attributes.href !== undefined) largeFingerprints.push(name);
      continue;
    }
    fingerprints[name] = text;
    const signalType = signalByFingerprint.get(name);
    if (signalType === undefined) continue;
    try {
      signals.push({ signalType, value: signalTypeByName(signalType).parse(text) });
    } catch {
      invalidFingerprints.push(name);
    }
  }

  const extra: Record<string, unknown> = {};
  for (const child of element.children) {
    if (!knownChildren.has(child.name)) extra[child.name] = elementJson(child);
  }
  const feedback = childNamed(element, 'feedback');
  // Built field by field (no `delete`, which turns the object into a slow dictionary).
  const metadata: Record<string, unknown> = { entryType: entry.entryType, memberId };
  const memberName = member?.text.trim();
  if (memberName) metadata.memberName = memberName;
  metadata.entryId = entryId;
  const timestamp = childText(element, 'timestamp');
  if (timestamp !== undefined) metadata.timestamp = timestamp;
  const classification = childText(element, 'classification');
  if (classification !== undefined) metadata.classification = classification;
  metadata.fingerprints = fingerprints;
  if (largeFingerprints.length > 0) metadata.largeFingerprints = largeFingerprints;
  if (invalidFingerprints.length > 0) metadata.invalidFingerprints = invalidFingerprints;
  if (feedback !== undefined) metadata.feedback = elementJson(feedback);
  if (Object.keys(extra).length > 0) metadata.extra = extra;
  return { key, record: { signals, metadata } };
}

/** An element as plain JSON: `{name, attributes?, text?, children?}`, verbatim. */
function elementJson(element: XmlElement): Record<string, unknown> {
  const json: Record<string, unknown> = { name: element.name };
  if (Object.keys(element.attributes).length > 0) json.attributes = { ...element.attributes };
  const text = element.text.trim();
  if (text !== '') json.text = text;
  if (element.children.length > 0) json.children = element.children.map(elementJson);
  return json;
}
