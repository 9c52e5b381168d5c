import { type BankRecord, type ContentRecord, summariseSignals } from '../../banks/index.js';

/** JSON forms of records in the `/v1` API (camelCase, ISO times, nothing internal). */
export function bankJson(bank: BankRecord) {
  return {
    name: bank.name,
    description: bank.description,
    enabledRatio: bank.enabledRatio,
    pdqThreshold: bank.pdqThreshold,
    negative: bank.negative,
    videoViews: [...bank.videoViews],
    videoSignals: [...bank.videoSignals],
    createdAt: bank.createdAt,
    updatedAt: bank.updatedAt,
  };
}

/**
 * An item as `/v1` answers about it: values longer than `largestShownSignalLength` are under
 * `largeSignals` as their SHA-256 and length (`summariseSignals`), not in `signals`; the whole
 * values are `GET /v1/content/<id>/signals` (`contentSignalsJson`).
 */
export function contentJson(content: ContentRecord, bankName: string) {
  const nowSeconds = Math.floor(Date.now() / 1000);
  const { signals, largeSignals } = summariseSignals(content.signals);
  return {
    id: content.id,
    bank: bankName,
    signals,
    largeSignals,
    enabled: content.disableUntil !== 0 && content.disableUntil <= nowSeconds,
    disableUntil: content.disableUntil,
    quarantinedAt: content.quarantinedAt,
    source: content.source,
    externalId: content.externalId,
    category: content.category,
    note: content.note,
    contentUri: content.contentUri,
    metadata: content.metadata ?? null,
    addedAt: content.addedAt,
    ...(content.upstream !== undefined ? { upstream: content.upstream } : {}),
  };
}

/** An item's whole signals, long values included (`GET /v1/content/<id>/signals`). */
export function contentSignalsJson(content: ContentRecord, bankName: string) {
  return { id: content.id, bank: bankName, signals: content.signals };
}
