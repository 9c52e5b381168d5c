import { dialectTypes, identityKey, type StorageMigration } from './ddl.js';

/**
 * The transactional outbox of actions (`src/actions/`): `action_outbox` holds one row per
 * (idempotency key, endpoint), written by the engine's batch commit in the transaction that moves
 * the watermark, so an action exists exactly when the effect that caused it does; the dispatcher
 * leases due rows (`lease_until`) and records each attempt in `action_attempts` (status, latency,
 * error; never the secret). No foreign key to `cases`: what was sent outlives a case's retention.
 */
export const actionOutboxMigration: StorageMigration = {
  name: '0016_action_outbox',
  async up(db, dialect) {
    const types = dialectTypes(dialect);
    await db.schema
      .createTable('action_outbox')
      .addColumn('id', types.bigint, identityKey(dialect))
      .addColumn('idempotency_key', 'text', (column) => column.notNull())
      .addColumn('endpoint', 'text', (column) => column.notNull())
      .addColumn('action', 'text', (column) => column.notNull())
      .addColumn('kind', 'text', (column) => column.notNull())
      .addColumn('mode', 'text', (column) => column.notNull())
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('body_json', 'text', (column) => column.notNull())
      .addColumn('event_id', 'text', (column) => column.notNull())
      .addColumn('rule_id', 'text')
      .addColumn('subject', 'text')
      .addColumn('case_id', types.bigint)
      .addColumn('created_at', 'text', (column) => column.notNull())
      .addColumn('committed_at', 'text', (column) => column.notNull())
      .addColumn('attempts', 'integer', (column) => column.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'text')
      .addColumn('lease_until', 'text')
      .addColumn('delivered_at', 'text')
      .addColumn('last_error', 'text')
      .addUniqueConstraint('action_outbox_key', ['idempotency_key', 'endpoint'])
      .execute();
    await db.schema
      .createIndex('action_outbox_due')
      .on('action_outbox')
      .columns(['status', 'endpoint', 'next_attempt_at'])
      .execute();
    await db.schema.createIndex('action_outbox_by_case').on('action_outbox').columns(['case_id', 'id']).execute();
    await db.schema
      .createTable('action_attempts')
      .addColumn('outbox_id', types.bigint, (column) =>
        column.notNull().references('action_outbox.id').onDelete('cascade'),
      )
      .addColumn('seq', 'integer', (column) => column.notNull())
      .addColumn('at', 'text', (column) => column.notNull())
      .addColumn('http_status', 'integer')
      .addColumn('latency_ms', types.float, (column) => column.notNull())
      .addColumn('error', 'text')
      .addPrimaryKeyConstraint('action_attempts_key', ['outbox_id', 'seq'])
      .execute();
  },
};
