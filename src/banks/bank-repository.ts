import type {
  BankPatch,
  BankRecord,
  BatchAddResult,
  ContentPatch,
  ContentRecord,
  NewBank,
  NewContent,
  StoredSignal,
} from './bank-records.js';

/**
 * Banks and their content, as the bank service needs them stored. The banks module defines this
 * contract; `storage/` implements it (Kysely over SQLite, the embedded default, and over
 * PostgreSQL, sharing all query code; only DDL differs).
 *
 * Content ids are one global sequence across banks, starting at 1 in a fresh store (HMA
 * clients rely on this). Within one bank a (signal type, value) pair is stored once: adding it
 * again is a duplicate, not an error (`addContent` throws `CONTENT_INVALID` naming the
 * duplicate; `addContentBatch` reports it in `duplicateIndexes`).
 */
export interface BankRepository {
  /** @throws EngineError `BANK_ALREADY_EXISTS` when the name is taken. */
  createBank(input: NewBank): Promise<BankRecord>;
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
