import assert from 'node:assert/strict';
import { test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, type Migration, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { Client, Pool } from 'pg';
import { dropPostgresSchemas, postgresConnectionString, postgresSkipReason } from '../../../test/support/postgres.js';
import type { DialectName } from '../dialect.js';
import { toBankRecord } from '../row-mapping.js';
import type { Database } from '../tables.js';
import { migrateToLatest, storageMigrations } from './index.js';

const skipPostgres = await postgresSkipReason();

/**
 * Migrates `db` to 0028, stores a bank for every value 0028's canonical order allowed (none,
 * corners, tmk, both), applies 0029 and answers each bank's name, views and signals as read.
 */
async function migrated(db: Kysely<unknown>, dialect: DialectName, schema?: string) {
  const migrations: Record<string, Migration> = {};
  for (const migration of storageMigrations.filter((item) => item.name < '0029'))
    migrations[migration.name] = { up: (kysely) => migration.up(kysely, dialect) };
  const { error } = await new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  }).migrateToLatest();
  assert.equal(error, undefined);
  const time = '2026-01-01T00:00:00.000Z';
  const negative = dialect === 'sqlite' ? sql`0` : sql`false`;
  for (const [name, views] of [
    ['PLAIN', ''],
    ['CORNERS', 'corners'],
    ['TMK', 'tmk'],
    ['BOTH', 'corners,tmk'],
  ] as const) {
    await sql`insert into banks (name, description, enabled_ratio, pdq_threshold, negative, video_views, created_at, updated_at)
      values (${name}, '', 1, 31, ${negative}, ${views}, ${time}, ${time})`.execute(db);
  }
  // 0029 first, then whatever came after it.
  assert.equal((await migrateToLatest(db, dialect, schema))[0], '0029_bank_video_signals');
  const rows = await (db as unknown as Kysely<Database>).selectFrom('banks').selectAll().orderBy('id').execute();
  return rows.map((row) => {
    const bank = toBankRecord(row);
    return [bank.name, bank.videoViews, bank.videoSignals];
  });
}

const expected = [
  ['PLAIN', [], []],
  ['CORNERS', ['corners'], []],
  ['TMK', [], ['tmk_pdqf']],
  ['BOTH', ['corners'], ['tmk_pdqf']],
];

test('migration 0029 moves a tmk entry of video_views to video_signals tmk_pdqf and keeps the other views', async () => {
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new BetterSqlite3(':memory:') }) });
  try {
    assert.deepEqual(await migrated(db, 'sqlite'), expected);
  } finally {
    await db.destroy();
  }
});

test('migration 0029 on PostgreSQL does the same', { skip: skipPostgres }, async () => {
  const schema = `prevail_0029_${process.pid}_${Date.now()}`;
  const admin = new Client({ connectionString: postgresConnectionString });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const pool = new Pool({ connectionString: postgresConnectionString, options: `-c search_path=${schema}` });
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  try {
    assert.deepEqual(await migrated(db, 'postgres', schema), expected);
  } finally {
    await db.destroy();
    await dropPostgresSchemas([schema]);
  }
});
