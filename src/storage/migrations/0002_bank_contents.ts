import { dialectTypes, identityKey, type StorageMigration } from './ddl.js';

/**
 * `bank_contents`: the items of all banks, numbered by one sequence across banks (HMA clients
 * expect ids from 1). Deleting a bank deletes its content. The `(bank_id, id)` index serves
 * paging through one bank and the cascade from `banks`.
 */
export const bankContentsMigration: StorageMigration = {
  name: '0002_bank_contents',
  async up(db, dialect) {
    const types = dialectTypes(dialect);
    await db.schema
      .createTable('bank_contents')
      .addColumn('id', types.bigint, identityKey(dialect))
      .addColumn('bank_id', 'integer', (column) => column.notNull().references('banks.id').onDelete('cascade'))
      .addColumn('source', 'text')
      .addColumn('external_id', 'text')
      .addColumn('category', 'text')
      .addColumn('note', 'text')
      .addColumn('content_uri', 'text')
      .addColumn('metadata_json', 'text')
      .addColumn('added_at', 'text', (column) => column.notNull())
      .addColumn('disable_until', types.bigint, (column) => column.notNull().defaultTo(1))
      .addColumn('quarantined_at', 'text')
      .execute();
    await db.schema.createIndex('bank_contents_by_bank').on('bank_contents').columns(['bank_id', 'id']).execute();
  },
};
