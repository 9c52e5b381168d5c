import type BetterSqlite3 from 'better-sqlite3';
import type { Insertable, Kysely } from 'kysely';
import type { BatchAddResult, NewContent } from '../banks/index.js';
import { bankNotFound } from './add-content.js';
import { sqliteBankChangeRecorder } from './bank-change-log.js';
import { type BatchInserter, splitBatch } from './batch-insert.js';
import { nowIso } from './dialect.js';
import type { BankContentsTable, Database } from './tables.js';

/** An item of the batch that is not a repeat of an earlier item. */
interface Candidate {
  readonly index: number;
  readonly row: Insertable<BankContentsTable>;
  duplicate: boolean;
  contentId: number;
}

/** One (signal type, value) of a candidate. */
interface Probe {
  readonly candidate: Candidate;
  readonly signalType: string;
  readonly value: string;
}

function byTypeThenValue(a: Probe, b: Probe): number {
  if (a.signalType !== b.signalType) return a.signalType < b.signalType ? -1 : 1;
  if (a.value === b.value) return 0;
  return a.value < b.value ? -1 : 1;
}

/**
 * The SQLite import path: prepared better-sqlite3 statements in one synchronous transaction on
 * the connection under Kysely, with no query building per row.
 *
 * 1. Items repeating a value of an earlier item of the batch are set aside (input order).
 * 2. The rest are probed against the bank's unique key, in value order: neighbouring probes
 *    touch neighbouring pages of that (randomly ordered) index, which matters once it no
 *    longer fits the page cache.
 * 3. Content rows are inserted in input order, so ids ascend in input order and, because
 *    duplicates were removed beforehand, no id is consumed by a duplicate.
 * 4. Signal rows are inserted in value order, for the same locality as step 2.
 * 5. The added ids are recorded as one bank change (`bank-change-log.ts`).
 *
 * SQLite has one writer, so nothing can slip in between the probe and the insert. The work
 * runs inside `kysely.connection()`, which holds Kysely's connection lock: no Kysely
 * transaction can be open on the same connection meanwhile.
 *
 * Cost: everything except the unique `(bank_id, signal_type, value)` index is appended in id
 * order and cheap. That index is keyed by random hash values, so once it outgrows the page
 * cache every line dirties one random page of it, which each commit writes to the WAL and each
 * checkpoint to the file. It bounds imports into a large bank (millions of values), not the
 * code around it.
 */
export function sqliteBatchInserter(connection: BetterSqlite3.Database, kysely: Kysely<Database>): BatchInserter {
  const bankExists = connection.prepare<[number], number>('select 1 from banks where id = ?').pluck();
  const findValue = connection
    .prepare<[number, string, string], number>(
      'select content_id from content_signals where bank_id = ? and signal_type = ? and value = ?',
    )
    .pluck();
  const insertContent = connection.prepare<
    [number, string | null, string | null, string | null, string | null, string | null, string | null, string, number]
  >(
    `insert into bank_contents
       (bank_id, source, external_id, category, note, content_uri, metadata_json, added_at, disable_until)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertSignal = connection.prepare<[number, number, string, string, string]>(
    'insert into content_signals (content_id, bank_id, signal_type, value, created_at) values (?, ?, ?, ?, ?)',
  );

  const recordChanges = sqliteBankChangeRecorder(connection);

  const insertAll = connection.transaction((bankId: number, items: readonly NewContent[]): BatchAddResult => {
    if (bankExists.get(bankId) === undefined) throw bankNotFound(bankId);
    const now = nowIso();
    const { fresh, duplicateIndexes } = splitBatch(bankId, items, now);
    const candidates: Candidate[] = [];
    const probes: Probe[] = [];
    for (const { index, row, entries } of fresh) {
      const candidate: Candidate = { index, row, duplicate: false, contentId: 0 };
      candidates.push(candidate);
      for (const [signalType, value] of entries) probes.push({ candidate, signalType, value });
    }

    probes.sort(byTypeThenValue);
    for (const { candidate, signalType, value } of probes) {
      if (!candidate.duplicate && findValue.get(bankId, signalType, value) !== undefined) candidate.duplicate = true;
    }

    const addedIds: number[] = [];
    for (const candidate of candidates) {
      if (candidate.duplicate) {
        duplicateIndexes.push(candidate.index);
        continue;
      }
      const { row } = candidate;
      const { lastInsertRowid } = insertContent.run(
        bankId,
        row.source ?? null,
        row.external_id ?? null,
        row.category ?? null,
        row.note ?? null,
        row.content_uri ?? null,
        row.metadata_json ?? null,
        now,
        row.disable_until ?? 1,
      );
      candidate.contentId = Number(lastInsertRowid);
      addedIds.push(candidate.contentId);
    }

    for (const { candidate, signalType, value } of probes) {
      if (!candidate.duplicate) insertSignal.run(candidate.contentId, bankId, signalType, value, now);
    }
    recordChanges([{ kind: 'added', bankId, contentIds: addedIds }]);
    return { addedIds, duplicateIndexes: duplicateIndexes.sort((a, b) => a - b) };
  });

  return {
    // `immediate`: take the write lock at BEGIN, so that a second process writing meanwhile
    // makes this wait (busy timeout) rather than fail when a read would upgrade to a write.
    insert: (bankId, items) => kysely.connection().execute(async () => insertAll.immediate(bankId, items)),
  };
}
