import type { BankRecord, ContentRecord } from '../../banks/index.js';
import { bankJson } from './bank-requests.js';
import { metadataJson } from './content-metadata.js';
import { hmaNameOfPrevailSignal } from './signal-names.js';
import { sortKeys } from './sorted-keys.js';

/** A content item's signals under HMA names (`md5` → `video_md5`), keys sorted. */
export function hmaSignalsJson(signals: Readonly<Record<string, string>>): Record<string, string> {
  return sortKeys(
    Object.fromEntries(Object.entries(signals).map(([type, value]) => [hmaNameOfPrevailSignal(type), value])),
  );
}

/**
 * `GET /c/bank/<n>/content/<id>` as HMA 1.1.7 answers it, keys sorted: `bank`,
 * `disable_until_ts` (1 enabled, 0 disabled, else disabled until that Unix time), `id`,
 * `metadata` (only when stored and not turned off with `include_metadata=false`), `note` (only
 * when set), `original_media_uri` (always null: media are never kept), `signals` (only with
 * `include_signals=true`).
 */
export function contentGetJson(
  bank: BankRecord,
  content: ContentRecord,
  options: { readonly includeSignals: boolean; readonly includeMetadata: boolean },
): Record<string, unknown> {
  const metadata = options.includeMetadata ? metadataJson(content) : undefined;
  const signals = hmaSignalsJson(content.signals);
  return {
    bank: bankJson(bank),
    disable_until_ts: content.disableUntil,
    id: content.id,
    ...(metadata !== undefined ? { metadata } : {}),
    ...(content.note !== null ? { note: content.note } : {}),
    original_media_uri: null,
    ...(options.includeSignals && Object.keys(signals).length > 0 ? { signals } : {}),
  };
}

/**
 * `PUT /c/bank/<n>/content/<id>` answers with HMA's whole stored record (`BankContentConfig`),
 * keys sorted: `collab_metadata` is `{}` (no exchanges), `user_metadata` is the stored metadata
 * `{content_id, content_uri, json}` or null.
 */
export function contentPutJson(bank: BankRecord, content: ContentRecord): Record<string, unknown> {
  const metadata = metadataJson(content);
  return {
    bank: bankJson(bank),
    collab_metadata: {},
    disable_until_ts: content.disableUntil,
    id: content.id,
    note: content.note,
    original_media_uri: null,
    user_metadata:
      metadata === undefined
        ? null
        : { content_id: metadata.content_id, content_uri: metadata.content_uri, json: metadata.json },
  };
}
