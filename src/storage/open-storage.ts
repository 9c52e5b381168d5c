import { type Kysely, sql } from 'kysely';
import type { ActionDatabase } from './action-tables.js';
import { KyselyApiKeyRepository } from './api-key-repository.js';
import { KyselyBankChangeFeed } from './bank-change-feed.js';
import { KyselyBankRepository } from './bank-repository.js';
import type { BatchInserter } from './batch-insert.js';
import type { EngineDatabase } from './engine-tables.js';
import type { ExchangeDatabase } from './exchange-tables.js';
import { KyselyEngineStore } from './kysely-engine-store.js';
import { KyselyExchangeRepository } from './kysely-exchange-repository.js';
import { KyselyOutboxRepository } from './kysely-outbox-repository.js';
import { KyselyPeopleRepository } from './kysely-people-repository.js';
import { KyselyQueueRepository } from './kysely-queue-repository.js';
import { KyselyReviewRepository } from './kysely-review-repository.js';
import { KyselySubmissionRepository } from './kysely-submission-repository.js';
import { KyselyWellnessRepository } from './kysely-wellness-repository.js';
import { migrateToLatest } from './migrations/index.js';
import type { PeopleDatabase } from './people-tables.js';
import { postgresBatchInserter } from './postgres-batch-insert.js';
import { openPostgresDatabase } from './postgres-database.js';
import type { PreparedQuery } from './prepared-query.js';
import type { Storage } from './repositories.js';
import { sqliteBatchInserter } from './sqlite-batch-insert.js';
import { openSqliteDatabase } from './sqlite-database.js';
import { type SqliteEngineWriter, sqliteEngineWriter } from './sqlite-engine-writer.js';
import { resolveStorageTarget, type StorageOptions } from './storage-target.js';
import type { SubmissionDatabase } from './submission-tables.js';
import type { Database } from './tables.js';
import { dropReadOnlyIndexes } from './throwaway-store.js';
import type { WellnessDatabase } from './wellness-tables.js';

/**
 * Opens the store, brings its schema up to date and returns the repositories.
 *
 * - No `databaseUrl`: the embedded SQLite file `<dataDir>/prevail.sqlite` (`dataDir` defaults
 *   to `./data` and is created if missing). One process should own the file.
 * - `databaseUrl` `postgres://…`/`postgresql://…`: PostgreSQL through a connection pool;
 *   `schema` selects (and creates) a schema, e.g. a fresh one per test run.
 *
 * Migrations run on every open and are a no-op on a current store. `close()` releases the file
 * or ends the pool; calling it again does nothing.
 *
 * @example
 * const storage = await openStorage({ dataDir: './data' });
 * const bank = await storage.banks.createBank({ name: 'SAMPLE_BANK' });
 * await storage.close();
 *
 * @throws EngineError `CONFIG_INVALID` (bad URL scheme or schema name); `STORAGE_UNAVAILABLE`
 *   (file or server unreachable, login refused, a migration failed), naming the location but
 *   never a password.
 */
export async function openStorage(options: StorageOptions = {}): Promise<Storage> {
  const target = resolveStorageTarget(options);
  let kysely: Kysely<Database>;
  let batchInserter: () => BatchInserter;
  let schema: string | undefined;
  let engineWriter: () => SqliteEngineWriter | undefined = () => undefined;
  let prepared: PreparedQuery | undefined;
  let afterMigrating = () => {};
  if (target.dialect === 'sqlite') {
    const handle = openSqliteDatabase(target.file, options.throwaway === true);
    kysely = handle.kysely;
    // Prepared after migrating: the statements need the tables to exist.
    batchInserter = () => sqliteBatchInserter(handle.connection, handle.kysely);
    engineWriter = () => sqliteEngineWriter(handle.connection, handle.kysely as unknown as Kysely<never>);
    if (options.throwaway === true) afterMigrating = () => dropReadOnlyIndexes(handle.connection);
  } else {
    const handle = await openPostgresDatabase(target);
    kysely = handle.kysely;
    schema = target.schema;
    batchInserter = () => postgresBatchInserter(handle.kysely);
    prepared = handle.prepared;
  }

  try {
    await migrateToLatest(kysely, target.dialect, schema);
    afterMigrating();
  } catch (error) {
    await kysely.destroy();
    throw error;
  }

  let closing: Promise<void> | undefined;
  // The engine's tables are typed apart from the banks' so that each repository sees only its own.
  const engineTables = kysely.withTables<EngineDatabase>() as unknown as Kysely<EngineDatabase>;
  return {
    dialect: target.dialect,
    location: target.location,
    banks: new KyselyBankRepository(kysely, target.dialect, batchInserter()),
    bankChanges: new KyselyBankChangeFeed(
      kysely,
      target.dialect === 'postgres' ? { connectionString: target.connectionString } : undefined,
    ),
    apiKeys: new KyselyApiKeyRepository(kysely),
    review: new KyselyReviewRepository(engineTables),
    people: new KyselyPeopleRepository(
      kysely.withTables<PeopleDatabase>() as unknown as Kysely<PeopleDatabase>,
      target.dialect,
    ),
    engine: new KyselyEngineStore(engineTables, target.dialect, { sqlite: engineWriter(), prepared }),
    queues: new KyselyQueueRepository(engineTables, target.dialect),
    wellness: new KyselyWellnessRepository(
      kysely.withTables<WellnessDatabase>() as unknown as Kysely<WellnessDatabase>,
    ),
    submissions: new KyselySubmissionRepository(
      kysely.withTables<SubmissionDatabase>() as unknown as Kysely<SubmissionDatabase>,
      target.dialect,
    ),
    outbox: new KyselyOutboxRepository(
      kysely.withTables<ActionDatabase>() as unknown as Kysely<ActionDatabase>,
      target.dialect,
    ),
    async ping() {
      await sql`select 1`.execute(kysely);
    },
    exchanges: new KyselyExchangeRepository(
      kysely.withTables<ExchangeDatabase>() as unknown as Kysely<ExchangeDatabase>,
      target.dialect,
    ),
    close() {
      closing ??= kysely.destroy();
      return closing;
    },
  };
}
