import { sql } from 'kysely';
import type { StorageMigration } from './ddl.js';

/**
 * Lets a signal value be any length on PostgreSQL. A vPDQ value holds every sampled frame's hash
 * (kilobytes), and a PostgreSQL B-tree entry cannot exceed about 2.7 KB, so the unique
 * `(bank_id, signal_type, value)` constraint of 0003 refused such values. On PostgreSQL the
 * uniqueness moves to `md5(value)` (imports keep relying on it through `on conflict do
 * nothing`), and lookups by value use an index on its first 64 characters, which
 * `findContentIdBySignal` names in its query. SQLite has no such limit and keeps 0003's index.
 */
export const longSignalValuesMigration: StorageMigration = {
  name: '0007_long_signal_values',
  async up(db, dialect) {
    if (dialect !== 'postgres') return;
    await sql`alter table content_signals drop constraint content_signals_unique_value`.execute(db);
    await sql`create unique index content_signals_unique_digest on content_signals (bank_id, signal_type, md5(value))`.execute(
      db,
    );
    await sql`create index content_signals_value_prefix on content_signals (bank_id, signal_type, substr(value, 1, 64))`.execute(
      db,
    );
  },
};
