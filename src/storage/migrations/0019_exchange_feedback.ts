import { dialectTypes, identityKey, type StorageMigration } from './ddl.js';

/**
 * Feedback requests to exchanges (`src/exchange-sync/`): a reviewer's decision on a case whose
 * match came from an exchange's bank records one row per matched upstream item, and the
 * `exchanges.feedback` job sends it (bounded retries). The row names the exchange and key, not
 * the bank item, so a refetch that replaces the item does not lose the request; removing the
 * exchange removes its requests.
 */
export const exchangeFeedbackMigration: StorageMigration = {
  name: '0019_exchange_feedback',
  async up(db, dialect) {
    const types = dialectTypes(dialect);
    await db.schema
      .createTable('exchange_feedback')
      .addColumn('id', types.bigint, identityKey(dialect))
      .addColumn('exchange_id', types.bigint, (column) =>
        column.notNull().references('exchanges.id').onDelete('cascade'),
      )
      .addColumn('upstream_key', 'text', (column) => column.notNull())
      .addColumn('signal_type', 'text', (column) => column.notNull())
      .addColumn('verdict', 'text', (column) => column.notNull())
      .addColumn('case_id', types.bigint)
      .addColumn('actor', 'text', (column) => column.notNull())
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('attempts', 'integer', (column) => column.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'text', (column) => column.notNull())
      .addColumn('last_error_code', 'text')
      .addColumn('created_at', 'text', (column) => column.notNull())
      .addColumn('settled_at', 'text')
      .execute();
    await db.schema
      .createIndex('exchange_feedback_due')
      .on('exchange_feedback')
      .columns(['status', 'next_attempt_at'])
      .execute();
  },
};
