import { sql } from 'kysely';
import { dialectTypes, type StorageMigration } from './ddl.js';

/**
 * `content_signals`: each content item's value per signal type.
 *
 * - Primary key `(content_id, signal_type)`: one value per type per item (HMA's key).
 * - Unique `(bank_id, signal_type, value)`: a bank holds a value once; imports rely on it to
 *   skip duplicates. `bank_id` is copied from the content row for this purpose.
 * - Index `(signal_type, content_id)`: the index loader streams one type in id order.
 *
 * In SQLite the table is `without rowid`, clustered on its primary key: rows are appended in
 * id order during imports and no separate rowid tree has to be maintained.
 */
export const contentSignalsMigration: StorageMigration = {
  name: '0003_content_signals',
  async up(db, dialect) {
    const types = dialectTypes(dialect);
    let table = db.schema
      .createTable('content_signals')
      .addColumn('content_id', types.bigint, (column) =>
        column.notNull().references('bank_contents.id').onDelete('cascade'),
      )
      .addColumn('bank_id', 'integer', (column) => column.notNull())
      .addColumn('signal_type', 'text', (column) => column.notNull())
      .addColumn('value', 'text', (column) => column.notNull())
      .addColumn('created_at', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('content_signals_primary_key', ['content_id', 'signal_type'])
      .addUniqueConstraint('content_signals_unique_value', ['bank_id', 'signal_type', 'value']);
    if (dialect === 'sqlite') table = table.modifyEnd(sql`without rowid`);
    await table.execute();
    await db.schema
      .createIndex('content_signals_by_type')
      .on('content_signals')
      .columns(['signal_type', 'content_id'])
      .execute();
  },
};
