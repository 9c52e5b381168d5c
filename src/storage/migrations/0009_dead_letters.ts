import { dialectTypes, type StorageMigration } from './ddl.js';

/**
 * The engine's dead letters: events that were acknowledged but whose processing failed (a bug, a
 * value the store refused). Each is written in the same transaction as the watermark that moves
 * past it, so that later events go on and a restart neither retries nor loses it. One row per
 * event (keyed by its seq).
 */
export const deadLettersMigration: StorageMigration = {
  name: '0009_dead_letters',
  async up(db, dialect) {
    const types = dialectTypes(dialect);
    await db.schema
      .createTable('dead_letters')
      .addColumn('event_seq', types.bigint, (column) => column.primaryKey())
      .addColumn('event_id', 'text', (column) => column.notNull())
      .addColumn('code', 'text', (column) => column.notNull())
      .addColumn('message', 'text', (column) => column.notNull())
      .addColumn('failed_at', 'text', (column) => column.notNull())
      .execute();
  },
};
