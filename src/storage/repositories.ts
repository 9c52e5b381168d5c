import type { EngineStore } from './engine-repositories.js';
import type { ApiKeyRecord, ApiScope, BankRecord, ContentRecord, NewContent, StoredSignal } from './records.js';

/** Fields that may change on a bank; omitted fields stay as they are. */
export interface BankPatch {
  readonly name?: string;
  readonly description?: string;
  readonly enabledRatio?: number;
  readonly pdqThreshold?: number;
  readonly negative?: boolean;
}

/** Fields that may change on content. `note: null` clears the note. */
export interface ContentPatch {
  readonly disableUntil?: number;
  readonly note?: string | null;
  readonly quarantinedAt?: string | null;
}

/** Result of adding many items at once (imports). */
export interface BatchAddResult {
  /** Ids of the content rows created, in input order, for the items that were new. */
  readonly addedIds: number[];
  /** Index (in the batch) of each item skipped because the bank already held that signal value. */
  readonly duplicateIndexes: number[];
}

/**
 * Banks and their content. Implementations: Kysely over SQLite (embedded default) and over
 * PostgreSQL, sharing all query code; only DDL differs.
 *
 * Content ids are one global sequence across banks, starting at 1 in a fresh store (HMA
 * clients rely on this). Within one bank a (signal type, value) pair is stored once: adding it
 * again is a duplicate, not an error (`addContent` throws `CONTENT_INVALID` naming the
 * duplicate; `addContentBatch` reports it in `duplicateIndexes`).
 */
export interface BankRepository {
  /** @throws EngineError `BANK_ALREADY_EXISTS` when the name is taken. */
  createBank(input: {
    name: string;
    description?: string;
    enabledRatio?: number;
    pdqThreshold?: number;
    negative?: boolean;
  }): Promise<BankRecord>;
  getBankByName(name: string): Promise<BankRecord | undefined>;
  getBankById(id: number): Promise<BankRecord | undefined>;
  /** All banks ordered by id. */
  listBanks(): Promise<BankRecord[]>;
  /** @throws EngineError `BANK_NOT_FOUND`, `BANK_ALREADY_EXISTS` (rename to a taken name). */
  updateBank(id: number, patch: BankPatch): Promise<BankRecord>;
  /** Deletes the bank and all its content; returns the ids of the content removed. */
  deleteBank(id: number): Promise<number[]>;

  /** @throws EngineError `BANK_NOT_FOUND`, `CONTENT_INVALID` (duplicate signal in this bank). */
  addContent(bankId: number, content: NewContent): Promise<ContentRecord>;
  /** Adds many items in one transaction, skipping values the bank already holds. */
  addContentBatch(bankId: number, items: readonly NewContent[]): Promise<BatchAddResult>;
  getContent(id: number): Promise<ContentRecord | undefined>;
  /** The content rows with these ids (missing ids are skipped), in ascending id order. */
  getContents(ids: readonly number[]): Promise<ContentRecord[]>;
  /** A page of a bank's content in ascending id order, after `afterId`. */
  listContent(bankId: number, options: { afterId?: number; limit: number }): Promise<ContentRecord[]>;
  /** @throws EngineError `CONTENT_NOT_FOUND`. */
  updateContent(id: number, patch: ContentPatch): Promise<ContentRecord>;
  /** Deletes one content row and its signals; false when it did not exist. */
  deleteContent(id: number): Promise<boolean>;
  /** Content of `bankId` holding exactly this signal value, if any. */
  findContentBySignal(bankId: number, signalType: string, value: string): Promise<ContentRecord | undefined>;

  /**
   * Every stored value of one signal type, in ascending content id, streamed in batches so that
   * 10 million rows load without holding them all twice.
   */
  streamSignals(signalType: string, options?: { bankId?: number; batchSize?: number }): AsyncIterable<StoredSignal[]>;
  /** Number of stored values of one signal type (optionally in one bank). */
  countSignals(signalType: string, bankId?: number): Promise<number>;
}

/** API keys, stored as SHA-256 digests of their secrets. */
export interface ApiKeyRepository {
  create(input: { name: string; secretDigest: string; scopes: readonly ApiScope[] }): Promise<ApiKeyRecord>;
  /** The active (not revoked) key with this secret digest. */
  findActiveByDigest(secretDigest: string): Promise<ApiKeyRecord | undefined>;
  list(): Promise<ApiKeyRecord[]>;
  /** @returns false when no active key has that id. */
  revoke(id: number): Promise<boolean>;
}

/** An open store: repositories plus lifecycle. */
export interface Storage {
  readonly dialect: 'sqlite' | 'postgres';
  /** Human-readable location, e.g. the SQLite file path or the PostgreSQL host/database. */
  readonly location: string;
  readonly banks: BankRepository;
  readonly apiKeys: ApiKeyRepository;
  /** The signals engine's event log, rule hits, labels, links, typologies, cases and audit. */
  readonly engine: EngineStore;
  close(): Promise<void>;
}
