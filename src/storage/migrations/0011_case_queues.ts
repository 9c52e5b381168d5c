import { sql } from 'kysely';
import { dialectTypes, type StorageMigration } from './ddl.js';

/**
 * Review queues (`src/queues/`):
 * - `cases.source` (`hash_match`, `stream`, `payments`, `chat`, `other`), `cases.typology` (null
 *   when no typology raised the case) and `cases.imminent` (imminent harm): the traits queues
 *   route and order by. Existing cases get `other`, null and false, except that a case whose
 *   timeline holds a match entry becomes `hash_match` (`stream` when the match came from a
 *   watched stream), one holding a payment event `payments` and one holding a chat message
 *   `chat`, as the cases module would have derived them.
 * - `case_claims`: who works a case now, until when (ISO-8601 UTC text, compared as text: the
 *   queue service writes them with one clock, always `toISOString()`); one row per case, gone
 *   with its case.
 * - `cases_queue_order`: the queue order over the cases still in queues (open, in review,
 *   escalated): imminent first, then hash matches, then the rest, oldest first. Its expression
 *   is the one `kysely-queue-repository.ts` orders by, written out identically so that both
 *   SQLite and PostgreSQL can walk the index instead of sorting.
 * - `cases_queue_traits`: covers what routing reads (status, the traits, priority, opened_at), so
 *   depth and oldest age per queue, and the page of a queue its rules narrow by source, are read
 *   from the index alone. Measured on SQLite with 100,000 cases (60,000 active): a page 8–30 ms,
 *   the depth of every queue 30–70 ms.
 */
export const caseQueuesMigration: StorageMigration = {
  name: '0011_case_queues',
  async up(db, dialect) {
    const types = dialectTypes(dialect);
    await db.schema
      .alterTable('cases')
      .addColumn('source', 'text', (column) => column.notNull().defaultTo('other'))
      .execute();
    await db.schema.alterTable('cases').addColumn('typology', 'text').execute();
    await db.schema
      .alterTable('cases')
      .addColumn('imminent', types.boolean, (column) => column.notNull().defaultTo(types.falseDefault))
      .execute();
    // Lowest rank first, each later one over it: chat, payments, bank matches (then stream ones).
    await sql`update cases set source = 'chat' where exists (
      select 1 from case_timeline t where t.case_id = cases.id and t.kind = 'event'
        and t.detail_json like '%"type":"message.%')`.execute(db);
    await sql`update cases set source = 'payments' where exists (
      select 1 from case_timeline t where t.case_id = cases.id and t.kind = 'event'
        and t.detail_json like '%"type":"payment.%')`.execute(db);
    await sql`update cases set source = 'hash_match' where exists (
      select 1 from case_timeline t where t.case_id = cases.id and t.kind = 'match')`.execute(db);
    await sql`update cases set source = 'stream' where source = 'hash_match' and not exists (
      select 1 from case_timeline t where t.case_id = cases.id and t.kind = 'match'
        and t.detail_json not like '%"source":"stream"%')`.execute(db);
    await db.schema
      .createTable('case_claims')
      .addColumn('case_id', 'integer', (column) => column.primaryKey().references('cases.id').onDelete('cascade'))
      .addColumn('person', 'text', (column) => column.notNull())
      .addColumn('claimed_at', 'text', (column) => column.notNull())
      .addColumn('expires_at', 'text', (column) => column.notNull())
      .execute();
    await sql`create index cases_queue_order on cases (
      (case when imminent then 0 when source in ('hash_match', 'stream') then 1 else 2 end), opened_at, id)
      where status in ('open', 'in_review', 'escalated')`.execute(db);
    await db.schema
      .createIndex('cases_queue_traits')
      .on('cases')
      .columns(['status', 'source', 'imminent', 'priority', 'typology', 'opened_at'])
      .execute();
    await db.schema.createIndex('case_claims_by_person').on('case_claims').columns(['person', 'expires_at']).execute();
  },
};
