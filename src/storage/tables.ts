import type { Generated, SqlBool } from 'kysely';

/**
 * The database as Kysely sees it: one interface per table, with the SQL column names. Only
 * `storage/` uses these; repositories turn rows into the camelCase records the domain
 * modules define (`banks`, `auth`, `events`, `cases`, `audit`, `engine`…).
 *
 * Both dialects share these types. Where they store a value differently the type says so:
 * booleans are `0 | 1` in SQLite and `boolean` in PostgreSQL (`SqlBool`), times are ISO-8601
 * UTC text in both (so that they sort as text and come back unchanged), and 64-bit integers are
 * parsed into numbers by the PostgreSQL connection (see `postgres-database.ts`).
 */
export interface Database {
  banks: BanksTable;
  bank_contents: BankContentsTable;
  content_signals: ContentSignalsTable;
  api_keys: ApiKeysTable;
  bank_tombstones: BankTombstonesTable;
  bank_changes: BankChangesTable;
  bank_change_head: BankChangeHeadTable;
}

/**
 * One committed bank change (migration 0023), numbered in commit order: `added` or `removed`
 * content ids as ascending ranges (`1-500,502`), or `banks` (bank rows changed; no ids).
 */
export interface BankChangesTable {
  seq: number;
  kind: string;
  bank_id: number | null;
  content_ids: string;
  committed_at: string;
}

/** The one row (`id` 1) holding the last `bank_changes.seq` handed out. */
export interface BankChangeHeadTable {
  id: number;
  seq: number;
}

/** A deleted content id in one sequence (migration 0017): the deletions a published feed hands out. */
export interface BankTombstonesTable {
  seq: Generated<number>;
  bank_id: number;
  content_id: number;
  deleted_at: string;
}

/** A named hash list; `name` is unique. */
export interface BanksTable {
  id: Generated<number>;
  name: string;
  description: string;
  enabled_ratio: number;
  pdq_threshold: number;
  negative: SqlBool;
  /** Extra video views, comma-separated (`''`: none; migration 0028). */
  video_views: Generated<string>;
  /** Optional video signals, comma-separated (`''`: none; migration 0029). */
  video_signals: Generated<string>;
  created_at: string;
  updated_at: string;
}

/** One item of a bank. `id` is one sequence for all banks and is never reused. */
export interface BankContentsTable {
  id: Generated<number>;
  bank_id: number;
  source: string | null;
  external_id: string | null;
  category: string | null;
  note: string | null;
  content_uri: string | null;
  /** Operator metadata as JSON text, or null when there is none. */
  metadata_json: string | null;
  added_at: string;
  /** HMA's `disable_until_ts`: 1 enabled, 0 disabled, otherwise Unix seconds. */
  disable_until: number;
  quarantined_at: string | null;
  /** Provenance of an item an exchange fetched (migration 0017); null otherwise. */
  exchange_id: Generated<number | null>;
  upstream_key: Generated<string | null>;
  upstream_metadata_json: Generated<string | null>;
}

/**
 * One signal value of one content item. `bank_id` repeats the content's bank so that the
 * unique key (bank_id, signal_type, value) can reject a value the bank already holds.
 */
export interface ContentSignalsTable {
  content_id: number;
  bank_id: number;
  signal_type: string;
  value: string;
  created_at: string;
}

/** An API key: only the SHA-256 digest of its secret is stored. */
export interface ApiKeysTable {
  id: Generated<number>;
  name: string;
  secret_digest: string;
  /** Comma-separated scope names, e.g. `read,write`. */
  scopes: string;
  created_at: string;
  revoked_at: string | null;
}
