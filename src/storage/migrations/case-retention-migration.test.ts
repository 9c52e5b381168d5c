import assert from 'node:assert/strict';
import { test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, type Migration, Migrator, SqliteDialect, sql } from 'kysely';
import { migrateToLatest, storageMigrations } from './index.js';

test('migration 0008 starts the retention clock of closed cases at their last change and gives open cases none', async () => {
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new BetterSqlite3(':memory:') }) });
  try {
    const before = storageMigrations.filter((migration) => migration.name < '0008');
    const migrations: Record<string, Migration> = {};
    for (const migration of before) migrations[migration.name] = { up: (kysely) => migration.up(kysely, 'sqlite') };
    const { error } = await new Migrator({ db, provider: { getMigrations: async () => migrations } }).migrateToLatest();
    assert.equal(error, undefined);
    await sql`insert into cases (subject, status, priority, opened_at, updated_at, retain_until) values
      ('user:closed', 'closed', 'high', '2019-01-01T00:00:00Z', '2026-06-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z'),
      ('user:open', 'open', 'low', '2019-01-01T00:00:00Z', '2019-01-01T00:00:00Z', '2020-01-01T00:00:00.000Z')`.execute(
      db,
    );
    assert.equal((await migrateToLatest(db, 'sqlite', undefined))[0], '0008_case_retention');
    const rows = await sql<{
      subject: string;
      closed_at: string | null;
      retain_until_ms: number | null;
      held_at: string | null;
    }>`select subject, closed_at, retain_until_ms, held_at from cases order by subject`.execute(db);
    assert.deepEqual(rows.rows, [
      {
        subject: 'user:closed',
        closed_at: '2026-06-01T00:00:00.000Z',
        retain_until_ms: Date.parse('2026-06-01T00:00:00.000Z') + 365 * 24 * 3600 * 1000,
        held_at: null,
      },
      { subject: 'user:open', closed_at: null, retain_until_ms: null, held_at: null },
    ]);
  } finally {
    await db.destroy();
  }
});
