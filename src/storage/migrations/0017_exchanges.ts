import { dialectTypes, identityKey, type StorageMigration } from './ddl.js';

/**
 * Exchanges (`src/exchange-sync/`): hash lists fetched from upstreams into a bank of their own.
 *
 * - `exchanges`: one row per exchange (name = its bank's name, kind, config JSON, enabled, fetch
 *   interval); deleting its bank deletes it (cascade), as HMA deletes both together.
 * - `exchange_status`: the committed checkpoint (JSON, and its progress time) and what the last
 *   fetches did; written in the transaction that applies a page, so checkpoint and bank never
 *   disagree.
 * - `exchange_leases`: at most one fetcher per exchange across processes: a row (owner, expiry)
 *   taken by a conditional update, renewed at every commit.
 * - `exchange_credentials`: credentials sealed with the key ring (AES-256-GCM), per exchange
 *   (`exchange:<name>`) or per API kind (`api:<kind>`, HMA's default credentials).
 * - `bank_contents` gains provenance: `exchange_id`, `upstream_key` (unique per bank) and
 *   `upstream_metadata_json`, so matches carry where an item came from.
 * - `bank_tombstones`: deleted content ids in one sequence, the deletions a published feed
 *   (the Prevail peer exchange) hands its subscribers.
 */
export const exchangesMigration: StorageMigration = {
  name: '0017_exchanges',
  async up(db, dialect) {
    const types = dialectTypes(dialect);
    await db.schema
      .createTable('exchanges')
      .addColumn('id', types.bigint, identityKey(dialect))
      .addColumn('name', 'text', (column) => column.notNull().unique())
      .addColumn('kind', 'text', (column) => column.notNull())
      .addColumn('bank_id', 'integer', (column) => column.notNull().references('banks.id').onDelete('cascade'))
      .addColumn('config_json', 'text', (column) => column.notNull())
      .addColumn('enabled', 'integer', (column) => column.notNull())
      .addColumn('interval_seconds', 'integer', (column) => column.notNull())
      .addColumn('created_at', 'text', (column) => column.notNull())
      .addColumn('updated_at', 'text', (column) => column.notNull())
      .execute();
    await db.schema
      .createTable('exchange_status')
      .addColumn('exchange_id', types.bigint, (column) =>
        column.primaryKey().references('exchanges.id').onDelete('cascade'),
      )
      .addColumn('checkpoint_json', 'text')
      .addColumn('checkpoint_at', 'text')
      .addColumn('progress_ts', types.bigint)
      .addColumn('fetch_started_at', 'text')
      .addColumn('fetch_ended_at', 'text')
      .addColumn('last_succeeded', 'integer')
      .addColumn('up_to_date', 'integer', (column) => column.notNull().defaultTo(0))
      .addColumn('last_error_code', 'text')
      .addColumn('last_error_message', 'text')
      .addColumn('consecutive_failures', 'integer', (column) => column.notNull().defaultTo(0))
      .addColumn('last_fetch_upserts', 'integer', (column) => column.notNull().defaultTo(0))
      .addColumn('last_fetch_removals', 'integer', (column) => column.notNull().defaultTo(0))
      .addColumn('last_fetch_skipped', 'integer', (column) => column.notNull().defaultTo(0))
      .addColumn('pages_committed', types.bigint, (column) => column.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createTable('exchange_leases')
      .addColumn('exchange_id', types.bigint, (column) =>
        column.primaryKey().references('exchanges.id').onDelete('cascade'),
      )
      .addColumn('owner', 'text')
      .addColumn('expires_at', 'text')
      .execute();
    await db.schema
      .createTable('exchange_credentials')
      .addColumn('scope', 'text', (column) => column.primaryKey())
      .addColumn('sealed_json', 'text', (column) => column.notNull())
      .addColumn('key_id', 'text', (column) => column.notNull())
      .addColumn('updated_at', 'text', (column) => column.notNull())
      .execute();
    await db.schema.alterTable('bank_contents').addColumn('exchange_id', 'integer').execute();
    await db.schema.alterTable('bank_contents').addColumn('upstream_key', 'text').execute();
    await db.schema.alterTable('bank_contents').addColumn('upstream_metadata_json', 'text').execute();
    await db.schema
      .createIndex('bank_contents_upstream_key')
      .unique()
      .on('bank_contents')
      .columns(['bank_id', 'upstream_key'])
      .execute();
    await db.schema
      .createTable('bank_tombstones')
      .addColumn('seq', types.bigint, identityKey(dialect))
      .addColumn('bank_id', 'integer', (column) => column.notNull().references('banks.id').onDelete('cascade'))
      .addColumn('content_id', types.bigint, (column) => column.notNull())
      .addColumn('deleted_at', 'text', (column) => column.notNull())
      .execute();
    await db.schema.createIndex('bank_tombstones_by_bank').on('bank_tombstones').columns(['bank_id', 'seq']).execute();
  },
};
