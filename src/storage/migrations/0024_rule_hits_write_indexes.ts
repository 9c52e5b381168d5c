import { sql } from 'kysely';
import type { StorageMigration } from './ddl.js';

/**
 * Drops `rule_hits_by_rule (rule_id, subject)`, created by 0005 for a read that never came: no
 * query looks hits up by rule. The one read that leads with `rule_id`, `EngineStore.ruleHitStats`,
 * aggregates every hit grouped by rule and mode, so it scans the whole table either way (through
 * the index, SQLite still sorted into a temporary B-tree for the grouping, and looked each row up
 * in the table on top). Every rule hit the engine stores paid for the index: a B-tree insert at a
 * key (a rule, then a subject) as scattered as the subjects: about half the cost of storing a hit
 * on SQLite (21–22 µs of CPU per hit with it, 11–12 without, in 64-row statements in WAL mode;
 * docs/signals-engine.md "Where the time goes"). The reads of
 * hits keep theirs: by event (the primary key) and by subject (`rule_hits_by_subject`, 0014).
 */
export const ruleHitsWriteIndexesMigration: StorageMigration = {
  name: '0024_rule_hits_write_indexes',
  async up(db) {
    await sql`drop index if exists rule_hits_by_rule`.execute(db);
  },
};
