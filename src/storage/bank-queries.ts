import { type Kysely, sql, type Updateable } from 'kysely';
import type { BankPatch, BankRecord, NewBank } from '../banks/index.js';
import { EngineError } from '../core/index.js';
import { recordBankChanges } from './bank-change-log.js';
import { type DialectName, nowIso, sqlBoolean } from './dialect.js';
import { toBankRecord } from './row-mapping.js';
import { isUniqueViolation } from './storage-errors.js';
import type { BanksTable, Database } from './tables.js';

/**
 * Bank rows: create, read, update, delete. Each function takes the Kysely instance (or a
 * transaction) so that callers decide the transaction boundaries. Names are not validated here;
 * the bank service does that before calling.
 */

function nameTaken(name: string, cause: unknown): EngineError {
  return new EngineError('BANK_ALREADY_EXISTS', `a bank named ${name} already exists`, { cause });
}

/**
 * Inserts a bank with defaults description '', enabledRatio 1, pdqThreshold 31, negative false,
 * no extra video views.
 *
 * @throws EngineError `BANK_ALREADY_EXISTS` when the name is taken (decided by the unique
 *   constraint, so two concurrent creates cannot both succeed).
 */
export async function createBank(db: Kysely<Database>, dialect: DialectName, input: NewBank): Promise<BankRecord> {
  const now = nowIso();
  try {
    const row = await db
      .insertInto('banks')
      .values({
        name: input.name,
        description: input.description ?? '',
        enabled_ratio: input.enabledRatio ?? 1,
        pdq_threshold: input.pdqThreshold ?? 31,
        negative: sqlBoolean(dialect, input.negative ?? false),
        video_views: (input.videoViews ?? []).join(','),
        video_signals: (input.videoSignals ?? []).join(','),
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toBankRecord(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(input.name, error);
    throw error;
  }
}

/** The bank with this id, or undefined. */
export async function getBankById(db: Kysely<Database>, id: number): Promise<BankRecord | undefined> {
  const row = await db.selectFrom('banks').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toBankRecord(row);
}

/** The bank with exactly this name (case-sensitive), or undefined. */
export async function getBankByName(db: Kysely<Database>, name: string): Promise<BankRecord | undefined> {
  const row = await db.selectFrom('banks').selectAll().where('name', '=', name).executeTakeFirst();
  return row === undefined ? undefined : toBankRecord(row);
}

/** All banks in id (creation) order. */
export async function listBanks(db: Kysely<Database>): Promise<BankRecord[]> {
  const rows = await db.selectFrom('banks').selectAll().orderBy('id').execute();
  return rows.map(toBankRecord);
}

/**
 * Applies the fields present in `patch` and stamps `updated_at`; an empty patch only stamps.
 *
 * @throws EngineError `BANK_NOT_FOUND` when no bank has this id; `BANK_ALREADY_EXISTS` when
 *   renaming onto another bank's name.
 */
export async function updateBank(
  db: Kysely<Database>,
  dialect: DialectName,
  id: number,
  patch: BankPatch,
): Promise<BankRecord> {
  const values: Updateable<BanksTable> = { updated_at: nowIso() };
  if (patch.name !== undefined) values.name = patch.name;
  if (patch.description !== undefined) values.description = patch.description;
  if (patch.enabledRatio !== undefined) values.enabled_ratio = patch.enabledRatio;
  if (patch.pdqThreshold !== undefined) values.pdq_threshold = patch.pdqThreshold;
  if (patch.negative !== undefined) values.negative = sqlBoolean(dialect, patch.negative);
  if (patch.videoViews !== undefined) values.video_views = patch.videoViews.join(',');
  if (patch.videoSignals !== undefined) values.video_signals = patch.videoSignals.join(',');
  let row: Awaited<ReturnType<typeof updatedRow>>;
  try {
    row = await updatedRow(db, id, values);
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(patch.name ?? '', error);
    throw error;
  }
  if (row === undefined) throw new EngineError('BANK_NOT_FOUND', `no bank has id ${id}`);
  return toBankRecord(row);
}

function updatedRow(db: Kysely<Database>, id: number, values: Updateable<BanksTable>) {
  return db.updateTable('banks').set(values).where('id', '=', id).returningAll().executeTakeFirst();
}

/**
 * Deletes the bank; its content and signals go with it (foreign keys cascade). Returns the ids
 * of the content removed, ascending, so that in-memory indexes can drop them. A missing bank
 * yields `[]`: deleting is idempotent.
 *
 * Run it in a transaction so the ids match what is deleted; the removals and the bank change are
 * recorded in it (`bank-change-log.ts`). On PostgreSQL the bank row is
 * locked first (`for update`): a concurrent insert of content into this bank waits for the
 * delete and then fails its foreign key check, instead of slipping in between the id query
 * and the cascade and being deleted without being reported. SQLite has a single writer.
 */
export async function deleteBank(db: Kysely<Database>, dialect: DialectName, id: number): Promise<number[]> {
  if (dialect === 'postgres') {
    await db.selectFrom('banks').select('id').where('id', '=', id).forUpdate().execute();
  }
  const rows = await db.selectFrom('bank_contents').select('id').where('bank_id', '=', id).orderBy('id').execute();
  // An exchange's row goes with its bank (cascade); its sealed credentials are keyed by scope
  // (`exchange:<name>`, see exchange-sync), not by a foreign key, so they are deleted here, in the
  // same transaction: a later exchange of the same name must not inherit them.
  await sql`
    delete from exchange_credentials
    where scope in (select 'exchange:' || name from exchanges where bank_id = ${id})
  `.execute(db);
  await db.deleteFrom('banks').where('id', '=', id).execute();
  const removed = rows.map((row) => row.id);
  await recordBankChanges(db, dialect, [
    { kind: 'removed', bankId: id, contentIds: removed },
    { kind: 'banks', bankId: id, contentIds: [] },
  ]);
  return removed;
}
