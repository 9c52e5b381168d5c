import { type Kysely, sql } from 'kysely';
import type { BatchAddResult, NewContent } from '../banks/index.js';
import { EngineError } from '../core/index.js';
import { bankNotFound } from './add-content.js';
import { recordBankChanges } from './bank-change-log.js';
import { type BatchInserter, type BatchItem, splitBatch } from './batch-insert.js';
import { nowIso } from './dialect.js';
import { isForeignKeyViolation } from './storage-errors.js';
import type { Database } from './tables.js';

/** Rows per multi-row INSERT / ids per IN list: far below PostgreSQL's 65,535 parameters. */
const rowsPerStatement = 1_000;

/** An item of the batch that is not a repeat of an earlier item, with the id drawn for it. */
interface Candidate extends BatchItem {
  readonly id: number;
}

/**
 * The PostgreSQL import path, set-based and decided by the unique key alone:
 *
 * 1. Items repeating a value of an earlier item of the batch are set aside.
 * 2. Ids for the rest are drawn from the content sequence in one query.
 * 3. Content rows go in with multi-row INSERTs.
 * 4. Signal rows go in with `INSERT … ON CONFLICT DO NOTHING RETURNING content_id`: a value
 *    the bank already holds, including one a concurrent import committed a moment ago, is
 *    not inserted.
 * 5. Items whose signals were not all inserted have their content row deleted again (their
 *    inserted signals go with it) and are reported as duplicates.
 * 6. The added ids are recorded as one bank change (`bank-change-log.ts`), last.
 * 6. The added ids are recorded as one bank change (`bank-change-log.ts`), last.
 *
 * There is deliberately no "which of these values exist?" query first: during a large import
 * the table statistics lag far behind the table, and the planner then answers such a query
 * with a scan of the whole bank per batch (measured: 3,000 lines/s at 1 million rows). The
 * conflict check of an INSERT always probes the unique index. The cost is that a value already
 * stored consumes a content id (PostgreSQL sequences have gaps anyway, e.g. on rollback).
 */
export function postgresBatchInserter(kysely: Kysely<Database>): BatchInserter {
  return {
    async insert(bankId, items) {
      try {
        return await insertBatch(kysely, bankId, items);
      } catch (error) {
        // The bank was deleted by a concurrent transaction after the existence check.
        if (isForeignKeyViolation(error)) throw bankNotFound(bankId, error);
        throw error;
      }
    },
  };
}

async function insertBatch(
  db: Kysely<Database>,
  bankId: number,
  items: readonly NewContent[],
): Promise<BatchAddResult> {
  const now = nowIso();
  const { fresh, duplicateIndexes } = splitBatch(bankId, items, now);

  return db.transaction().execute(async (transaction) => {
    const bank = await transaction.selectFrom('banks').select('id').where('id', '=', bankId).executeTakeFirst();
    if (bank === undefined) throw bankNotFound(bankId);

    const ids = await drawContentIds(transaction, fresh.length);
    const candidates: Candidate[] = fresh.map((item, position) => ({ ...item, id: idAt(ids, position) }));
    for (let start = 0; start < candidates.length; start += rowsPerStatement) {
      const rows = candidates.slice(start, start + rowsPerStatement).map(({ row, id }) => ({ ...row, id }));
      await transaction.insertInto('bank_contents').values(rows).execute();
    }

    const signalRows = candidates.flatMap(({ id, entries }) =>
      entries.map(([signalType, value]) => ({
        content_id: id,
        bank_id: bankId,
        signal_type: signalType,
        value,
        created_at: now,
      })),
    );
    const insertedPerContent = new Map<number, number>();
    for (let start = 0; start < signalRows.length; start += rowsPerStatement) {
      const inserted = await transaction
        .insertInto('content_signals')
        .values(signalRows.slice(start, start + rowsPerStatement))
        .onConflict((conflict) => conflict.doNothing())
        .returning('content_id')
        .execute();
      for (const { content_id } of inserted) {
        insertedPerContent.set(content_id, (insertedPerContent.get(content_id) ?? 0) + 1);
      }
    }

    const addedIds: number[] = [];
    const rejectedIds: number[] = [];
    for (const { id, index, entries } of candidates) {
      if ((insertedPerContent.get(id) ?? 0) === entries.length) {
        addedIds.push(id);
      } else {
        rejectedIds.push(id);
        duplicateIndexes.push(index);
      }
    }
    for (let start = 0; start < rejectedIds.length; start += rowsPerStatement) {
      const chunk = rejectedIds.slice(start, start + rowsPerStatement);
      await transaction.deleteFrom('bank_contents').where('id', 'in', chunk).execute();
    }
    await recordBankChanges(transaction, 'postgres', [{ kind: 'added', bankId, contentIds: addedIds }]);
    return { addedIds, duplicateIndexes: duplicateIndexes.sort((a, b) => a - b) };
  });
}

/** `count` new content ids from the identity sequence, ascending. */
async function drawContentIds(db: Kysely<Database>, count: number): Promise<number[]> {
  if (count === 0) return [];
  const { rows } = await sql<{ id: number }>`
    select nextval(pg_get_serial_sequence('bank_contents', 'id')) as id from generate_series(1, ${count})
  `.execute(db);
  return rows.map((row) => row.id).sort((a, b) => a - b);
}

function idAt(ids: readonly number[], position: number): number {
  const id = ids[position];
  if (id === undefined) throw new EngineError('INTERNAL', `no content id was drawn for item ${position} of the batch`);
  return id;
}
