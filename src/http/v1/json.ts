import type { BankRecord, ContentRecord } from '../../banks/index.js';
import type { Match, MatchOutcome } from '../../matching/index.js';

/** JSON forms of records in the `/v1` API (camelCase, ISO times, nothing internal). */
export function bankJson(bank: BankRecord) {
  return {
    name: bank.name,
    description: bank.description,
    enabledRatio: bank.enabledRatio,
    pdqThreshold: bank.pdqThreshold,
    negative: bank.negative,
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
  };
}

function matchJson(match: Match) {
  return {
    bank: match.bank,
    contentId: match.contentId,
    signalType: match.signalType,
    distance: match.distance,
    matchedValue: match.matchedValue,
    queryValue: match.queryValue,
    variant: match.variant,
    provenance: match.provenance,
  };
}

export function outcomeJson(outcome: MatchOutcome) {
  return {
    matches: outcome.matches.map(matchJson),
    suppressed: outcome.suppressed.map((match) => ({ ...matchJson(match), suppressedBy: match.suppressedBy })),
    quarantined: outcome.quarantined.map(matchJson),
    negative: outcome.negative.map(matchJson),
    warnings: outcome.warnings,
  };
}

/** OpenAPI/JSON schemas shared by the `/v1` routes (for validation and the reference page). */
export const schemas = {
  bankName: { type: 'string', pattern: '^[A-Z_][A-Z0-9_]*$', maxLength: 255 },
  bank: {
    type: 'object',
    properties: {
      name: { type: 'string' },
      description: { type: 'string' },
      enabledRatio: { type: 'number' },
      pdqThreshold: { type: 'integer' },
      negative: { type: 'boolean' },
      createdAt: { type: 'string' },
      updatedAt: { type: 'string' },
    },
  },
  error: {
    type: 'object',
    properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } } },
  },
  signals: {
    type: 'object',
    description: 'Signal type → value, e.g. {"pdq": "<64 hex>", "md5": "<32 hex>"}',
    additionalProperties: { type: 'string' },
  },
} as const;
