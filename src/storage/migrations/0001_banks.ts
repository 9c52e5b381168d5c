import { dialectTypes, identityKey, type StorageMigration } from './ddl.js';

/** `banks`: named hash lists with their matching settings. */
export const banksMigration: StorageMigration = {
  name: '0001_banks',
  async up(db, dialect) {
    const types = dialectTypes(dialect);
    await db.schema
      .createTable('banks')
      .addColumn('id', 'integer', identityKey(dialect))
      .addColumn('name', 'text', (column) => column.notNull().unique())
      .addColumn('description', 'text', (column) => column.notNull().defaultTo(''))
      .addColumn('enabled_ratio', types.float, (column) => column.notNull().defaultTo(1))
      .addColumn('pdq_threshold', 'integer', (column) => column.notNull().defaultTo(31))
      .addColumn('negative', types.boolean, (column) => column.notNull().defaultTo(types.falseDefault))
      .addColumn('created_at', 'text', (column) => column.notNull())
      .addColumn('updated_at', 'text', (column) => column.notNull())
      .execute();
  },
};
