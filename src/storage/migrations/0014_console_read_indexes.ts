import { sql } from 'kysely';
import type { StorageMigration } from './ddl.js';

/**
 * The console's reads at 100,000 cases and a million timeline rows (`npm run bench -- console`,
 * docs/console.md "Measured"):
 * - `rule_hits_by_subject (subject, event_seq)`: a subject's rule hits in event order, read by
 *   every case view (`EngineStore.hitsFor`, the rules that fired on the case's subject). Without
 *   it each case view scanned every stored hit (`rule_hits_by_rule` leads with `rule_id`).
 * - `cases_queue_order` now also carries the columns routing tests (source, typology, priority,
 *   imminent), and `cases_queue_traits` is gone. With both, SQLite's planner read a queue page
 *   through the traits index (status) and sorted every queued case of the queue: the general
 *   queue took 25 ms idle and p95 250 ms under load. With one index holding order and traits it
 *   walks the queue order and tests each case from the index alone (under 1 ms), and the depth
 *   of every queue reads the same index. The expression is migration 0011's, written identically
 *   (both planners match it literally).
 */
export const consoleReadIndexesMigration: StorageMigration = {
  name: '0014_console_read_indexes',
  async up(db) {
    await db.schema.createIndex('rule_hits_by_subject').on('rule_hits').columns(['subject', 'event_seq']).execute();
    await sql`drop index if exists cases_queue_traits`.execute(db);
    await sql`drop index if exists cases_queue_order`.execute(db);
    await sql`create index cases_queue_order on cases (
      (case when imminent then 0 when source in ('hash_match', 'stream') then 1 else 2 end), opened_at, id,
      source, typology, priority, imminent)
      where status in ('open', 'in_review', 'escalated')`.execute(db);
  },
};
