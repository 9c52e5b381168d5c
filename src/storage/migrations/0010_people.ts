import { dialectTypes, identityKey, type StorageMigration } from './ddl.js';

/**
 * People of the review console and their sessions. `people.roles` is a comma-separated list of
 * role names; `password_hash` is a scrypt hash (`scrypt$N$r$p$salt$key`) or null (single sign-on
 * only). `person_sessions` keeps only the SHA-256 of a session token, the session's CSRF token
 * and its clocks; a person's sessions go with the person.
 */
export const peopleMigration: StorageMigration = {
  name: '0010_people',
  async up(db, dialect) {
    const types = dialectTypes(dialect);
    await db.schema
      .createTable('people')
      .addColumn('id', 'integer', identityKey(dialect))
      .addColumn('login', 'text', (column) => column.notNull().unique())
      .addColumn('display_name', 'text', (column) => column.notNull())
      .addColumn('roles', 'text', (column) => column.notNull())
      .addColumn('password_hash', 'text')
      .addColumn('child_safety_opt_in_at', 'text')
      .addColumn('disabled', types.boolean, (column) => column.notNull().defaultTo(types.falseDefault))
      .addColumn('created_at', 'text', (column) => column.notNull())
      .execute();
    await db.schema
      .createTable('person_sessions')
      .addColumn('token_digest', 'text', (column) => column.primaryKey())
      .addColumn('person_id', 'integer', (column) => column.notNull().references('people.id').onDelete('cascade'))
      .addColumn('csrf_token', 'text', (column) => column.notNull())
      .addColumn('method', 'text', (column) => column.notNull())
      .addColumn('created_at', 'text', (column) => column.notNull())
      .addColumn('last_seen_at', 'text', (column) => column.notNull())
      .addColumn('expires_at', 'text', (column) => column.notNull())
      .execute();
    await db.schema.createIndex('person_sessions_person').on('person_sessions').column('person_id').execute();
    await db.schema.createIndex('person_sessions_expires').on('person_sessions').column('expires_at').execute();
  },
};
