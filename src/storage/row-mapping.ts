import type { Insertable, Selectable } from 'kysely';
import type { ApiKeyRecord, ApiScope } from '../auth/index.js';
import type { BankRecord, ContentRecord, NewContent } from '../banks/index.js';
import { EngineError } from '../core/index.js';
import type { ApiKeysTable, BankContentsTable, BanksTable } from './tables.js';

/**
 * Conversions between table rows and the records the domain modules define
 * (`BankRecord`, `ContentRecord`, `ApiKeyRecord`), in one place so that both
 * dialects and every query return exactly the same shapes.
 */

/** A `banks` row as a record; `negative` arrives as 0/1 (SQLite) or a boolean (PostgreSQL). */
export function toBankRecord(row: Selectable<BanksTable>): BankRecord {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    enabledRatio: row.enabled_ratio,
    pdqThreshold: row.pdq_threshold,
    negative: Boolean(row.negative),
    // Written only as the bank service checked them (`checkVideoViews`); hashing ignores a name it does not know.
    videoViews: row.video_views === '' ? [] : (row.video_views.split(',') as BankRecord['videoViews'][number][]),
    // Likewise (`checkVideoSignals`).
    videoSignals:
      row.video_signals === '' ? [] : (row.video_signals.split(',') as BankRecord['videoSignals'][number][]),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A `bank_contents` row plus its signals as a record; metadata JSON is parsed back. */
export function toContentRecord(row: Selectable<BankContentsTable>, signals: Record<string, string>): ContentRecord {
  return {
    id: row.id,
    bankId: row.bank_id,
    source: row.source,
    externalId: row.external_id,
    category: row.category,
    note: row.note,
    contentUri: row.content_uri,
    metadata: row.metadata_json === null ? null : (JSON.parse(row.metadata_json) as unknown),
    addedAt: row.added_at,
    disableUntil: row.disable_until,
    quarantinedAt: row.quarantined_at,
    signals,
    ...(row.upstream_key !== null && row.upstream_key !== undefined
      ? {
          upstream: {
            exchange: row.source ?? '',
            key: row.upstream_key,
            metadata: parseUpstreamMetadata(row.upstream_metadata_json ?? null),
          },
        }
      : {}),
  };
}

function parseUpstreamMetadata(text: string | null): Record<string, unknown> {
  if (text === null) return {};
  const value = JSON.parse(text) as unknown;
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/**
 * The `bank_contents` values of a new item (without id). Metadata becomes JSON text;
 * `undefined` and `null` are stored as SQL null and read back as `null`.
 *
 * @throws EngineError `CONTENT_INVALID` when the metadata cannot be written as JSON (a cycle, a
 *   BigInt, a function).
 */
export function newContentRow(bankId: number, content: NewContent, addedAt: string): Insertable<BankContentsTable> {
  return {
    bank_id: bankId,
    source: content.source ?? null,
    external_id: content.externalId ?? null,
    category: content.category ?? null,
    note: content.note ?? null,
    content_uri: content.contentUri ?? null,
    metadata_json: encodeMetadata(content.metadata),
    added_at: addedAt,
    disable_until: content.disableUntil ?? 1,
  };
}

function encodeMetadata(metadata: unknown): string | null {
  if (metadata === undefined || metadata === null) return null;
  let text: string | undefined;
  try {
    text = JSON.stringify(metadata);
  } catch (error) {
    throw new EngineError('CONTENT_INVALID', 'the content metadata cannot be stored as JSON', { cause: error });
  }
  if (text === undefined) throw new EngineError('CONTENT_INVALID', 'the content metadata is not a JSON value');
  return text;
}

/**
 * The (signal type, value) pairs of an item, checked to be non-empty.
 *
 * @throws EngineError `CONTENT_INVALID` when the item has no signal; `position` names the item
 *   of a batch in the message.
 */
export function signalEntries(content: NewContent, position?: number): Array<readonly [string, string]> {
  const entries = Object.entries(content.signals);
  if (entries.length === 0) {
    const which = position === undefined ? 'the content' : `item ${position} of the batch`;
    throw new EngineError('CONTENT_INVALID', `${which} has no signal; give at least one, e.g. { pdq: '…' }`);
  }
  return entries;
}

const knownScopes: ReadonlySet<string> = new Set<ApiScope>(['read', 'write', 'admin']);

function isApiScope(name: string): name is ApiScope {
  return knownScopes.has(name);
}

/** Scopes as stored: comma-separated, e.g. `read,write`. */
export function encodeScopes(scopes: readonly ApiScope[]): string {
  return scopes.join(',');
}

/** An `api_keys` row as a record; unknown scope names in the row are dropped, never granted. */
export function toApiKeyRecord(row: Selectable<ApiKeysTable>): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes.split(',').filter(isApiScope),
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}
