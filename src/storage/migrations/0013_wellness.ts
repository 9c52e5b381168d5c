import { dialectTypes, identityKey, type StorageMigration } from './ddl.js';

/**
 * Reviewer wellness (`src/wellness/`): `wellness_settings` holds the organisation's defaults and
 * limits (scope `org`) and each person's preference overrides (scope `person:<login>`) as JSON;
 * `media_reveals` records every reveal a reviewer was granted — who, which case and item, when,
 * for how many seconds, and when the single-use link was served (null: never viewed). Only the
 * SHA-256 of a link's token is stored. These rows are what later tells NCMEC whether the provider
 * viewed a file, and what the exposure budget counts.
 */
export const wellnessMigration: StorageMigration = {
  name: '0013_wellness',
  async up(db, dialect) {
    const types = dialectTypes(dialect);
    await db.schema
      .createTable('wellness_settings')
      .addColumn('scope', 'text', (column) => column.notNull())
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('value_json', 'text', (column) => column.notNull())
      .addColumn('updated_at', 'text', (column) => column.notNull())
      .addColumn('updated_by', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('wellness_settings_key', ['scope', 'name'])
      .execute();
    await db.schema
      .createTable('media_reveals')
      .addColumn('id', types.bigint, identityKey(dialect))
      .addColumn('token_digest', 'text', (column) => column.notNull().unique())
      .addColumn('login', 'text', (column) => column.notNull())
      .addColumn('case_id', types.bigint, (column) => column.notNull())
      .addColumn('item_id', 'text', (column) => column.notNull())
      .addColumn('revealed_at', 'text', (column) => column.notNull())
      .addColumn('expires_at', 'text', (column) => column.notNull())
      .addColumn('seconds', 'integer', (column) => column.notNull())
      .addColumn('served_at', 'text')
      .execute();
    await db.schema
      .createIndex('media_reveals_by_person')
      .on('media_reveals')
      .columns(['login', 'revealed_at'])
      .execute();
    await db.schema.createIndex('media_reveals_by_time').on('media_reveals').column('revealed_at').execute();
    await db.schema.createIndex('media_reveals_by_item').on('media_reveals').columns(['case_id', 'item_id']).execute();
  },
};
