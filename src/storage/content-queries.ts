import { type Kysely, sql, type Updateable } from 'kysely';
import type { ContentPatch, ContentRecord } from '../banks/index.js';
import { EngineError } from '../core/index.js';
import { recordBankChanges } from './bank-change-log.js';
import type { DialectName } from './dialect.js';
import { toContentRecord } from './row-mapping.js';
import type { BankContentsTable, Database } from './tables.js';

/**
 * Reading, changing and deleting bank content. Every read goes through `loadContents`, so a
 * record always carries all of its signals.
 */

/** Ids per `IN (…)` list: well under SQLite's and PostgreSQL's bound-parameter limits. */
const idsPerQuery = 500;

/**
 * The content rows with these ids and their signals, ascending by id; unknown ids are skipped
 * and repeated ids returned once. One query per 500 ids (content joined with its signals).
 */
export async function loadContents(db: Kysely<Database>, ids: readonly number[]): Promise<ContentRecord[]> {
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  const records: ContentRecord[] = [];
  for (let start = 0; start < sorted.length; start += idsPerQuery) {
    const chunk = sorted.slice(start, start + idsPerQuery);
    const rows = await db
      .selectFrom('bank_contents')
      .leftJoin('content_signals', 'content_signals.content_id', 'bank_contents.id')
      .selectAll('bank_contents')
      .select(['content_signals.signal_type', 'content_signals.value'])
      .where('bank_contents.id', 'in', chunk)
      .orderBy('bank_contents.id')
      .orderBy('content_signals.signal_type')
      .execute();
    let current: { id: number; signals: Record<string, string> } | undefined;
    for (const row of rows) {
      if (current?.id !== row.id) {
        current = { id: row.id, signals: {} };
        records.push(toContentRecord(row, current.signals));
      }
      if (row.signal_type !== null && row.value !== null) current.signals[row.signal_type] = row.value;
    }
  }
  return records;
}

/** One content record, or undefined. */
export async function getContent(db: Kysely<Database>, id: number): Promise<ContentRecord | undefined> {
  const [record] = await loadContents(db, [id]);
  return record;
}

/** Up to `limit` items of one bank with ids above `afterId` (default 0), ascending. */
export async function listContent(
  db: Kysely<Database>,
  bankId: number,
  options: { afterId?: number; limit: number },
): Promise<ContentRecord[]> {
  const rows = await db
    .selectFrom('bank_contents')
    .select('id')
    .where('bank_id', '=', bankId)
    .where('id', '>', options.afterId ?? 0)
    .orderBy('id')
    .limit(options.limit)
    .execute();
  return loadContents(
    db,
    rows.map((row) => row.id),
  );
}

/** The item of `bankId` that holds exactly this signal value, if any. */
export async function findContentBySignal(
  db: Kysely<Database>,
  bankId: number,
  signalType: string,
  value: string,
): Promise<ContentRecord | undefined> {
  const id = await findContentIdBySignal(db, bankId, signalType, value);
  return id === undefined ? undefined : getContent(db, id);
}

/** The id of the item of `bankId` holding this signal value, if any (one unique-index probe). */
export async function findContentIdBySignal(
  db: Kysely<Database>,
  bankId: number,
  signalType: string,
  value: string,
): Promise<number | undefined> {
  const row = await db
    .selectFrom('content_signals')
    .select('content_id')
    .where('bank_id', '=', bankId)
    .where('signal_type', '=', signalType)
    // The prefix lets PostgreSQL use its index on substr(value, 1, 64) (migration 0007).
    .where(sql<string>`substr(value, 1, 64)`, '=', value.slice(0, 64))
    .where('value', '=', value)
    .executeTakeFirst();
  return row?.content_id;
}

/**
 * Applies the fields present in `patch` (`note: null` and `quarantinedAt: null` clear them) and
 * returns the updated record. Run it in a transaction so the record read is the one written.
 *
 * @throws EngineError `CONTENT_NOT_FOUND` when no content has this id.
 */
export async function updateContent(db: Kysely<Database>, id: number, patch: ContentPatch): Promise<ContentRecord> {
  const values: Updateable<BankContentsTable> = {};
  if (patch.disableUntil !== undefined) values.disable_until = patch.disableUntil;
  if (patch.note !== undefined) values.note = patch.note;
  if (patch.quarantinedAt !== undefined) values.quarantined_at = patch.quarantinedAt;
  if (Object.keys(values).length > 0) {
    await db.updateTable('bank_contents').set(values).where('id', '=', id).execute();
  }
  const record = await getContent(db, id);
  if (record === undefined) throw new EngineError('CONTENT_NOT_FOUND', `no bank content has id ${id}`);
  return record;
}

/**
 * Deletes one item and (by cascade) its signals, and records its tombstone (the deletion a
 * published feed hands its subscribers) and its bank change in the same transaction; false when
 * there was none.
 */
export async function deleteContent(db: Kysely<Database>, dialect: DialectName, id: number): Promise<boolean> {
  return db.transaction().execute(async (transaction) => {
    const row = await transaction.selectFrom('bank_contents').select('bank_id').where('id', '=', id).executeTakeFirst();
    if (row === undefined) return false;
    await transaction.deleteFrom('bank_contents').where('id', '=', id).execute();
    await transaction
      .insertInto('bank_tombstones')
      .values({ bank_id: row.bank_id, content_id: id, deleted_at: new Date().toISOString() })
      .execute();
    await recordBankChanges(transaction, dialect, [{ kind: 'removed', bankId: row.bank_id, contentIds: [id] }]);
    return true;
  });
}
