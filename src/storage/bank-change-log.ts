import type BetterSqlite3 from 'better-sqlite3';
import { type QueryExecutorProvider, sql } from 'kysely';
import { EngineError } from '../core/index.js';
import type { DialectName } from './dialect.js';

/**
 * Writing the bank change log (migration 0023) inside the transaction of the change itself, so
 * that the log and the banks never disagree: every writer of `banks`, `bank_contents` (add, batch
 * import, exchange page commit, delete, bank delete) calls `recordBankChanges` (or, on the SQLite
 * import path, the prepared `sqliteBankChangeRecorder`) as its last statement.
 *
 * Numbers come from the `bank_change_head` row (`UPDATE … RETURNING`), whose row lock is held
 * until the transaction ends: writers of bank changes commit one after the other in `seq` order,
 * and only for the instant between that statement and their commit, which is why it is the last
 * one. On PostgreSQL the same transaction sends `NOTIFY prevail_bank_changes` (delivered at
 * commit, dropped at rollback) to wake the followers.
 */

/** The PostgreSQL channel that announces committed bank changes (payload: the newest `seq`). */
export const bankChangeChannel = 'prevail_bank_changes';

/** One change to record; `bankId` null when it spans banks. Empty id lists of content changes are skipped. */
export interface ChangeToRecord {
  readonly kind: 'added' | 'removed' | 'banks';
  readonly bankId: number | null;
  readonly contentIds: readonly number[];
}

/** Records `changes` in the caller's transaction (any Kysely over a store with migration 0023). */
export async function recordBankChanges(
  trx: QueryExecutorProvider,
  dialect: DialectName,
  changes: readonly ChangeToRecord[],
): Promise<void> {
  const kept = changes.filter((change) => change.kind === 'banks' || change.contentIds.length > 0);
  if (kept.length === 0) return;
  const { rows } = await sql<{ seq: number | string }>`
    update bank_change_head set seq = seq + ${kept.length} where id = 1 returning seq
  `.execute(trx);
  const last = Number(rows[0]?.seq);
  if (!Number.isSafeInteger(last)) throw new EngineError('INTERNAL', 'the bank change head row is missing');
  const committedAt = new Date().toISOString();
  const values = kept.map(
    (change, position) =>
      sql`(${last - kept.length + 1 + position}, ${change.kind}, ${change.bankId}, ${encodeIdRanges(change.contentIds)}, ${committedAt})`,
  );
  await sql`
    insert into bank_changes (seq, kind, bank_id, content_ids, committed_at) values ${sql.join(values)}
  `.execute(trx);
  if (dialect === 'postgres') await sql`select pg_notify(${bankChangeChannel}, ${String(last)})`.execute(trx);
}

/**
 * The SQLite import path's recorder: prepared statements on the raw connection, called inside
 * its synchronous transaction (SQLite has one writer, so the numbers are in commit order).
 */
export function sqliteBankChangeRecorder(
  connection: BetterSqlite3.Database,
): (changes: readonly ChangeToRecord[]) => void {
  const takeNumbers = connection
    .prepare<[number], number>('update bank_change_head set seq = seq + ? where id = 1 returning seq')
    .pluck();
  const insert = connection.prepare<[number, string, number | null, string, string]>(
    'insert into bank_changes (seq, kind, bank_id, content_ids, committed_at) values (?, ?, ?, ?, ?)',
  );
  return (changes) => {
    const kept = changes.filter((change) => change.kind === 'banks' || change.contentIds.length > 0);
    if (kept.length === 0) return;
    const last = takeNumbers.get(kept.length);
    if (last === undefined) throw new EngineError('INTERNAL', 'the bank change head row is missing');
    const committedAt = new Date().toISOString();
    kept.forEach((change, position) => {
      insert.run(
        last - kept.length + 1 + position,
        change.kind,
        change.bankId,
        encodeIdRanges(change.contentIds),
        committedAt,
      );
    });
  };
}

/** Ids as ascending ranges, `1-500,502`: a bulk import's or a bank delete's ids take a few bytes. */
export function encodeIdRanges(ids: readonly number[]): string {
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  const parts: string[] = [];
  let start: number | undefined;
  let end = 0;
  for (const id of sorted) {
    if (start !== undefined && id === end + 1) {
      end = id;
      continue;
    }
    if (start !== undefined) parts.push(start === end ? String(start) : `${start}-${end}`);
    start = id;
    end = id;
  }
  if (start !== undefined) parts.push(start === end ? String(start) : `${start}-${end}`);
  return parts.join(',');
}

/** The ids of `encodeIdRanges` text, ascending. @throws EngineError `INTERNAL` for text it did not write. */
export function decodeIdRanges(text: string): number[] {
  const ids: number[] = [];
  if (text === '') return ids;
  for (const part of text.split(',')) {
    const match = /^(\d{1,15})(?:-(\d{1,15}))?$/.exec(part);
    const start = Number(match?.[1]);
    const end = match?.[2] === undefined ? start : Number(match[2]);
    if (match === null || !(start >= 1 && end >= start)) {
      throw new EngineError('INTERNAL', `a bank change names content ids as '${part.slice(0, 40)}'`);
    }
    for (let id = start; id <= end; id++) ids.push(id);
  }
  return ids;
}
