import type { Kysely } from 'kysely';
import type { ContentRecord, NewContent } from '../banks/index.js';
import { EngineError } from '../core/index.js';
import { recordBankChanges } from './bank-change-log.js';
import { findContentIdBySignal } from './content-queries.js';
import { type DialectName, nowIso } from './dialect.js';
import { newContentRow, signalEntries, toContentRecord } from './row-mapping.js';
import { isForeignKeyViolation, isUniqueViolation } from './storage-errors.js';
import type { Database } from './tables.js';

/**
 * Adds one item to a bank: the content row, its signals and its bank change (`bank-change-log.ts`)
 * in one transaction.
 *
 * The bank must exist, the item must carry at least one signal, and none of its values may
 * already be in the bank. The check reads first for a precise message; the unique key still
 * decides when two writers race (PostgreSQL), and that loser gets the same error.
 *
 * @throws EngineError `BANK_NOT_FOUND`; `CONTENT_INVALID` when there is no signal, the metadata
 *   is not JSON, or a value is already in the bank (the message names the content holding it).
 */
export async function addContent(
  db: Kysely<Database>,
  dialect: DialectName,
  bankId: number,
  content: NewContent,
): Promise<ContentRecord> {
  const entries = signalEntries(content);
  const now = nowIso();
  const row = newContentRow(bankId, content, now);
  try {
    return await db.transaction().execute(async (transaction) => {
      const bank = await transaction.selectFrom('banks').select('id').where('id', '=', bankId).executeTakeFirst();
      if (bank === undefined) throw bankNotFound(bankId);
      for (const [signalType, value] of entries) {
        const existing = await findContentIdBySignal(transaction, bankId, signalType, value);
        if (existing !== undefined) throw duplicateValue(bankId, signalType, existing);
      }
      const inserted = await transaction
        .insertInto('bank_contents')
        .values(row)
        .returningAll()
        .executeTakeFirstOrThrow();
      await transaction
        .insertInto('content_signals')
        .values(
          entries.map(([signalType, value]) => ({
            content_id: inserted.id,
            bank_id: bankId,
            signal_type: signalType,
            value,
            created_at: now,
          })),
        )
        .execute();
      await recordBankChanges(transaction, dialect, [{ kind: 'added', bankId, contentIds: [inserted.id] }]);
      return toContentRecord(inserted, Object.fromEntries(entries));
    });
  } catch (error) {
    if (isForeignKeyViolation(error)) throw bankNotFound(bankId, error);
    if (!isUniqueViolation(error)) throw error;
    // Lost a race with a concurrent writer of the same value: report who holds it now.
    for (const [signalType, value] of entries) {
      const existing = await findContentIdBySignal(db, bankId, signalType, value);
      if (existing !== undefined) throw duplicateValue(bankId, signalType, existing);
    }
    throw error;
  }
}

/** `BANK_NOT_FOUND` for `bankId`; also used when the bank was deleted while content was added. */
export function bankNotFound(bankId: number, cause?: unknown): EngineError {
  return new EngineError('BANK_NOT_FOUND', `no bank has id ${bankId}`, { cause });
}

function duplicateValue(bankId: number, signalType: string, existingId: number): EngineError {
  return new EngineError(
    'CONTENT_INVALID',
    `bank ${bankId} already holds this ${signalType} value, as content ${existingId}`,
  );
}
