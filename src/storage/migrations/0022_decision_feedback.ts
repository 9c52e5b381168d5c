import { sql } from 'kysely';
import { dialectTypes, type StorageMigration } from './ddl.js';

/**
 * Feedback to exchanges built from committed decisions (`src/exchange-sync/decision-feedback.ts`).
 * A decision listener queued feedback after the decision committed, so a crash between the two
 * lost it; now the `exchanges.feedback` job reads the decision entries of case timelines itself:
 * - `exchange_feedback.once_key` (unique; null on rows queued before this migration): one key per
 *   (decision, exchange, upstream key, signal type), or per reviewer's explicit request, so a
 *   request is recorded once however often the job or a racing server reads the decision;
 *   `upstream_reason` is an explicit request's reason for the exchange (NCMEC: a reason GUID).
 * - `exchange_feedback_decisions`: each decision entry (case, ref) the job has turned into requests,
 *   written in the transaction that records them, with the entry's time for pruning.
 * - `exchange_feedback_cursor`: the time up to which every decision entry has been read; the job
 *   reads from an hour before it, so an entry committed late (its time taken before a slow
 *   commit, or on a server whose clock lags) is still read, once.
 * The job reads decision entries by time through `case_timeline_by_kind` (kind, time; 0012).
 * Decision entries stored before this migration were handled by the listener: they are marked read
 * and the cursor starts at the newest of them.
 */
export const decisionFeedbackMigration: StorageMigration = {
  name: '0022_decision_feedback',
  async up(db, dialect) {
    const types = dialectTypes(dialect);
    await db.schema.alterTable('exchange_feedback').addColumn('once_key', 'text').execute();
    await db.schema.alterTable('exchange_feedback').addColumn('upstream_reason', 'text').execute();
    await db.schema.createIndex('exchange_feedback_once').on('exchange_feedback').column('once_key').unique().execute();
    await db.schema
      .createIndex('exchange_feedback_by_case')
      .on('exchange_feedback')
      .columns(['case_id', 'id'])
      .execute();
    await db.schema
      .createTable('exchange_feedback_decisions')
      .addColumn('case_id', types.bigint, (column) => column.notNull())
      .addColumn('ref', 'text', (column) => column.notNull())
      .addColumn('entry_time', 'text', (column) => column.notNull())
      .addColumn('requests', 'integer', (column) => column.notNull())
      .addColumn('read_at', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('exchange_feedback_decisions_pk', ['case_id', 'ref'])
      .execute();
    await db.schema
      .createTable('exchange_feedback_cursor')
      .addColumn('name', 'text', (column) => column.primaryKey())
      .addColumn('entry_time', 'text', (column) => column.notNull())
      .addColumn('updated_at', 'text', (column) => column.notNull())
      .execute();
    await sql`
      insert into exchange_feedback_decisions (case_id, ref, entry_time, requests, read_at)
      select case_id, ref, time, 0, time from case_timeline where kind = 'decision'
    `.execute(db);
    await sql`
      insert into exchange_feedback_cursor (name, entry_time, updated_at)
      select 'decisions', max(time), max(time) from case_timeline where kind = 'decision' having count(*) > 0
    `.execute(db);
  },
};
