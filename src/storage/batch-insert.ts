import type { NewContent } from './records.js';
import type { BatchAddResult } from './repositories.js';

/**
 * The import hot path behind `BankRepository.addContentBatch`, one implementation per dialect
 * (`sqlite-batch-insert.ts`, `postgres-batch-insert.ts`) because each is tuned to its driver.
 *
 * Contract for both: one transaction; the bank must exist (`BANK_NOT_FOUND`); an item without
 * signals or with metadata that is not JSON fails the whole batch (`CONTENT_INVALID`) and
 * nothing is written; an item any of whose values the bank already holds, or which repeats a
 * value of an earlier item of the same batch, is skipped and its index reported in
 * `duplicateIndexes` (ascending); `addedIds` lists the new ids in input order, ascending.
 */
export interface BatchInserter {
  insert(bankId: number, items: readonly NewContent[]): Promise<BatchAddResult>;
}

/** The key of one (signal type, value) pair for duplicate detection within a batch. */
export function signalKey(signalType: string, value: string): string {
  return `${signalType}\u0000${value}`;
}
