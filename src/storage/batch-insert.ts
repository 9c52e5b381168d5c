import type { Insertable } from 'kysely';
import type { BatchAddResult, NewContent } from '../banks/index.js';
import { newContentRow, signalEntries } from './row-mapping.js';
import type { BankContentsTable } from './tables.js';

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

/** An item of a batch that does not repeat a value of an earlier item, ready to insert. */
export interface BatchItem {
  readonly index: number;
  readonly entries: ReadonlyArray<readonly [string, string]>;
  readonly row: Insertable<BankContentsTable>;
}

/**
 * Step one of both import paths: validates every item (`CONTENT_INVALID` for an item without
 * signals or with bad metadata) and sets aside the items that repeat a value of an earlier item
 * of the same batch. Whether the bank already holds a value is each dialect's own step.
 */
export function splitBatch(
  bankId: number,
  items: readonly NewContent[],
  now: string,
): { fresh: BatchItem[]; duplicateIndexes: number[] } {
  const duplicateIndexes: number[] = [];
  const fresh: BatchItem[] = [];
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const entries = signalEntries(item, index);
    const row = newContentRow(bankId, item, now);
    const keys = entries.map(([signalType, value]) => signalKey(signalType, value));
    if (keys.some((key) => seen.has(key))) {
      duplicateIndexes.push(index);
      return;
    }
    for (const key of keys) seen.add(key);
    fresh.push({ index, entries, row });
  });
  return { fresh, duplicateIndexes };
}
