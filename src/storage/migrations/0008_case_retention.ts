import { sql } from 'kysely';
import { dialectTypes, type StorageMigration } from './ddl.js';

/** The retention period this migration gives cases already closed (the release default, one year). */
const backfillRetentionMs = 365 * 24 * 3600 * 1000;

/**
 * Retention runs from a case's own clock and can be held:
 * - `closed_at`: when the case was closed (null while it is not);
 * - `retain_until_ms`: the instant (epoch milliseconds, compared as a number, never as text) after
 *   which a closed case may be purged; null while the case is not closed, so an open, in-review,
 *   decided or reported case is never purged;
 * - `held_at`, `hold_reason`: a legal hold (null when none); a held case is never purged.
 *
 * It replaces `retain_until` (event time + one year, compared as text). Cases already closed get
 * `closed_at = updated_at` and one year from then; every other case starts with no retention clock.
 */
export const caseRetentionMigration: StorageMigration = {
  name: '0008_case_retention',
  async up(db, dialect) {
    const types = dialectTypes(dialect);
    await sql`drop index if exists cases_by_retention`.execute(db);
    await db.schema.alterTable('cases').addColumn('closed_at', 'text').execute();
    await db.schema.alterTable('cases').addColumn('retain_until_ms', types.bigint).execute();
    await db.schema.alterTable('cases').addColumn('held_at', 'text').execute();
    await db.schema.alterTable('cases').addColumn('hold_reason', 'text').execute();
    const closed = await sql<{ id: number; updated_at: string }>`
      select id, updated_at from cases where status = 'closed'`.execute(db);
    for (const row of closed.rows) {
      const closedMs = Date.parse(row.updated_at);
      // An unreadable time gets no clock: the case is kept rather than purged by accident.
      const until = Number.isFinite(closedMs) ? closedMs + backfillRetentionMs : null;
      await sql`update cases set closed_at = ${row.updated_at}, retain_until_ms = ${until} where id = ${row.id}`.execute(
        db,
      );
    }
    await db.schema.alterTable('cases').dropColumn('retain_until').execute();
    await db.schema.createIndex('cases_by_retention_ms').on('cases').column('retain_until_ms').execute();
  },
};
