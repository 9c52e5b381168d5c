import { dialectTypes, identityKey, type StorageMigration } from './ddl.js';

/**
 * Reports sent to outside authorities (`src/submissions/`): `submissions` holds one row per
 * report (its idempotency key is unique: one report per case decision), its step, the retry
 * time and the lease of the process working on it; `submission_files` each file's step and ids
 * (the SHA-256 and size of the bytes sent, never the bytes); `submission_exchanges` every request
 * and answer in order (never credentials, never file bytes); `report_ledger` where each case's
 * reports went. No foreign key to `cases`: what was reported outlives the case's retention.
 */
export const submissionsMigration: StorageMigration = {
  name: '0015_submissions',
  async up(db, dialect) {
    const types = dialectTypes(dialect);
    await db.schema
      .createTable('submissions')
      .addColumn('id', types.bigint, identityKey(dialect))
      .addColumn('idempotency_key', 'text', (column) => column.notNull().unique())
      .addColumn('case_id', types.bigint, (column) => column.notNull())
      .addColumn('destination', 'text', (column) => column.notNull())
      .addColumn('supplemental', types.boolean, (column) => column.notNull().defaultTo(types.falseDefault))
      .addColumn('actor', 'text', (column) => column.notNull())
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('report_xml', 'text', (column) => column.notNull())
      .addColumn('report_id', 'text')
      .addColumn('attempts', 'integer', (column) => column.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'text')
      .addColumn('last_error_json', 'text')
      .addColumn('created_at', 'text', (column) => column.notNull())
      .addColumn('updated_at', 'text', (column) => column.notNull())
      .addColumn('finished_at', 'text')
      .addColumn('receipt_delivered_at', 'text')
      .addColumn('lease_until', 'text')
      .execute();
    await db.schema.createIndex('submissions_by_case').on('submissions').columns(['case_id', 'id']).execute();
    await db.schema
      .createIndex('submissions_by_status')
      .on('submissions')
      .columns(['status', 'next_attempt_at'])
      .execute();
    await db.schema
      .createTable('submission_files')
      .addColumn('submission_id', types.bigint, (column) =>
        column.notNull().references('submissions.id').onDelete('cascade'),
      )
      .addColumn('position', 'integer', (column) => column.notNull())
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('source_json', 'text', (column) => column.notNull())
      .addColumn('details_json', 'text', (column) => column.notNull())
      .addColumn('step', 'text', (column) => column.notNull())
      .addColumn('file_id', 'text')
      .addColumn('size', types.bigint)
      .addColumn('sha256', 'text')
      .addColumn('remote_hash', 'text')
      .addPrimaryKeyConstraint('submission_files_key', ['submission_id', 'position'])
      .execute();
    await db.schema
      .createTable('submission_exchanges')
      .addColumn('submission_id', types.bigint, (column) =>
        column.notNull().references('submissions.id').onDelete('cascade'),
      )
      .addColumn('seq', 'integer', (column) => column.notNull())
      .addColumn('endpoint', 'text', (column) => column.notNull())
      .addColumn('method', 'text', (column) => column.notNull())
      .addColumn('request_body', 'text', (column) => column.notNull())
      .addColumn('sent_at', 'text', (column) => column.notNull())
      .addColumn('answered_at', 'text')
      .addColumn('http_status', 'integer')
      .addColumn('response_body', 'text')
      .addColumn('response_code', 'integer')
      .addColumn('error', 'text')
      .addPrimaryKeyConstraint('submission_exchanges_key', ['submission_id', 'seq'])
      .execute();
    await db.schema
      .createTable('report_ledger')
      .addColumn('id', types.bigint, identityKey(dialect))
      .addColumn('case_id', types.bigint, (column) => column.notNull())
      .addColumn('destination', 'text', (column) => column.notNull())
      .addColumn('external_id', 'text', (column) => column.notNull())
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('at', 'text', (column) => column.notNull())
      .execute();
    await db.schema.createIndex('report_ledger_by_case').on('report_ledger').columns(['case_id', 'id']).execute();
  },
};
