import { identityKey, type StorageMigration } from './ddl.js';

/** `api_keys`: named keys with scopes; only the SHA-256 digest of each secret is stored. */
export const apiKeysMigration: StorageMigration = {
  name: '0004_api_keys',
  async up(db, dialect) {
    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'integer', identityKey(dialect))
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('secret_digest', 'text', (column) => column.notNull().unique())
      .addColumn('scopes', 'text', (column) => column.notNull())
      .addColumn('created_at', 'text', (column) => column.notNull())
      .addColumn('revoked_at', 'text')
      .execute();
  },
};
