import type { BankRecord, ContentRecord } from '../../banks/index.js';

/** JSON forms of records in the `/v1` API (camelCase, ISO times, nothing internal). */
export function bankJson(bank: BankRecord) {
  return {
    name: bank.name,
    description: bank.description,
    enabledRatio: bank.enabledRatio,
    pdqThreshold: bank.pdqThreshold,
    negative: bank.negative,
    videoViews: [...bank.videoViews],
    createdAt: bank.createdAt,
    updatedAt: bank.updatedAt,
  };
}

export function contentJson(content: ContentRecord, bankName: string) {
  const nowSeconds = Math.floor(Date.now() / 1000);
  return {
    id: content.id,
    bank: bankName,
    signals: content.signals,
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
