import assert from 'node:assert/strict';
import { test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, type Migration, Migrator, SqliteDialect, sql } from 'kysely';
import { migrateToLatest, storageMigrations } from './index.js';

test('migration 0022 marks the decisions stored before it as read and starts the cursor at the newest', async () => {
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new BetterSqlite3(':memory:') }) });
  try {
    const before = storageMigrations.filter((migration) => migration.name < '0022');
    const migrations: Record<string, Migration> = {};
    for (const migration of before) migrations[migration.name] = { up: (kysely) => migration.up(kysely, 'sqlite') };
    const { error } = await new Migrator({ db, provider: { getMigrations: async () => migrations } }).migrateToLatest();
    assert.equal(error, undefined);
    await sql`insert into cases (id, subject, status, priority, opened_at, updated_at) values
      (1, 'user:a', 'decided', 'high', '2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z')`.execute(db);
    await sql`insert into case_timeline (case_id, ref, kind, time, summary, detail_json) values
      (1, 'change:2026-01-02T00:00:00.000Z:api:k', 'decision', '2026-01-02T00:00:00.000Z', 's', '{"decision":"confirmed"}'),
      (1, 'change:2026-01-03T00:00:00.000Z:api:k', 'decision', '2026-01-03T00:00:00.000Z', 's', '{"decision":"dismissed"}'),
      (1, 'event:1', 'event', '2026-01-04T00:00:00.000Z', 's', '{}')`.execute(db);
    const applied = await migrateToLatest(db, 'sqlite', undefined);
    assert.equal(applied[0], '0022_decision_feedback');
    const read = await sql<{ ref: string }>`select ref from exchange_feedback_decisions order by ref`.execute(db);
    assert.deepEqual(
      read.rows.map((row) => row.ref),
      ['change:2026-01-02T00:00:00.000Z:api:k', 'change:2026-01-03T00:00:00.000Z:api:k'],
    );
    const cursor = await sql<{ entry_time: string }>`select entry_time from exchange_feedback_cursor`.execute(db);
    assert.deepEqual(cursor.rows, [{ entry_time: '2026-01-03T00:00:00.000Z' }]);
  } finally {
    await db.destroy();
  }
});
