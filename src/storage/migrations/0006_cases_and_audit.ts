import { sql } from 'kysely';
import { dialectTypes, identityKey, type StorageMigration } from './ddl.js';

/**
 * Cases (one open case per subject entity, enforced by a partial unique index), their timelines
 * (idempotent by `ref`), and the append-only, hash-chained audit log.
 */
export const casesAndAuditMigration: StorageMigration = {
  name: '0006_cases_and_audit',
  async up(db, dialect) {
    const types = dialectTypes(dialect);
    await db.schema
      .createTable('cases')
      .addColumn('id', 'integer', identityKey(dialect))
      .addColumn('subject', 'text', (column) => column.notNull())
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('priority', 'text', (column) => column.notNull())
      .addColumn('assignee', 'text')
      .addColumn('decision', 'text')
      .addColumn('opened_at', 'text', (column) => column.notNull())
      .addColumn('updated_at', 'text', (column) => column.notNull())
      .addColumn('retain_until', 'text', (column) => column.notNull())
      .execute();
    await sql`create unique index cases_one_open_per_subject on cases (subject) where status <> 'closed'`.execute(db);
    await db.schema.createIndex('cases_by_retention').on('cases').column('retain_until').execute();
    await db.schema
      .createTable('case_timeline')
      .addColumn('case_id', 'integer', (column) => column.notNull().references('cases.id').onDelete('cascade'))
      .addColumn('ref', 'text', (column) => column.notNull())
      .addColumn('kind', 'text', (column) => column.notNull())
      .addColumn('time', 'text', (column) => column.notNull())
      .addColumn('summary', 'text', (column) => column.notNull())
      .addColumn('detail_json', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('case_timeline_pk', ['case_id', 'ref'])
      .execute();
    await db.schema
      .createTable('audit_log')
      .addColumn('seq', types.bigint, (column) => column.primaryKey())
      .addColumn('time', 'text', (column) => column.notNull())
      .addColumn('actor', 'text', (column) => column.notNull())
      .addColumn('action', 'text', (column) => column.notNull())
      .addColumn('subject', 'text', (column) => column.notNull())
      .addColumn('reason', 'text', (column) => column.notNull())
      .addColumn('detail_json', 'text', (column) => column.notNull())
      .addColumn('previous_hash', 'text', (column) => column.notNull())
      .addColumn('hash', 'text', (column) => column.notNull())
      .execute();
  },
};
