import assert from 'node:assert/strict';
import { test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, type Migration, Migrator, SqliteDialect, sql } from 'kysely';
import { migrateToLatest, storageMigrations } from './index.js';

test('migration 0011 gives existing cases their traits from their timelines, and other/null/false by default', async () => {
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new BetterSqlite3(':memory:') }) });
  try {
    const before = storageMigrations.filter((migration) => migration.name < '0011');
    const migrations: Record<string, Migration> = {};
    for (const migration of before) migrations[migration.name] = { up: (kysely) => migration.up(kysely, 'sqlite') };
    const { error } = await new Migrator({ db, provider: { getMigrations: async () => migrations } }).migrateToLatest();
    assert.equal(error, undefined);
    const at = '2026-01-01T00:00:00.000Z';
    for (const subject of ['user:bank', 'user:stream', 'user:both', 'acct:pay', 'user:plain'])
      await sql`insert into cases (subject, status, priority, opened_at, updated_at) values (${subject}, 'open', 'low', ${at}, ${at})`.execute(
        db,
      );
    const entry = async (subject: string, ref: string, kind: string, detail: unknown) =>
      sql`insert into case_timeline (case_id, ref, kind, time, summary, detail_json)
        select id, ${ref}, ${kind}, ${at}, 's', ${JSON.stringify(detail)} from cases where subject = ${subject}`.execute(
        db,
      );
    const match = (source: string) => ({ id: 'e', type: 'media.matched', entities: {}, data: { matches: [], source } });
    await entry('user:bank', 'a', 'match', match('api'));
    await entry('user:stream', 'a', 'match', match('stream'));
    await entry('user:both', 'a', 'match', match('stream'));
    await entry('user:both', 'b', 'match', match('hma'));
    await entry('user:both', 'c', 'event', { id: 'p', type: 'payment.sent', entities: {}, data: {} });
    await entry('acct:pay', 'a', 'event', { id: 'p', type: 'payment.sent', entities: {}, data: {} });
    await entry('user:plain', 'a', 'event', { id: 'm', type: 'message.sent', entities: {}, data: {} });
    await entry('user:plain', 'b', 'event', { id: 's', type: 'session.started', entities: {}, data: {} });
    await sql`insert into cases (subject, status, priority, opened_at, updated_at) values ('user:none', 'open', 'low', ${at}, ${at})`.execute(
      db,
    );
    // 0011 runs first over the existing cases; the later migrations follow it.
    assert.equal((await migrateToLatest(db, 'sqlite', undefined))[0], '0011_case_queues');
    const rows = await sql<{ subject: string; source: string; typology: string | null; imminent: number }>`
      select subject, source, typology, imminent from cases order by subject`.execute(db);
    assert.deepEqual(rows.rows, [
      { subject: 'acct:pay', source: 'payments', typology: null, imminent: 0 },
      { subject: 'user:bank', source: 'hash_match', typology: null, imminent: 0 },
      { subject: 'user:both', source: 'hash_match', typology: null, imminent: 0 },
      { subject: 'user:none', source: 'other', typology: null, imminent: 0 },
      { subject: 'user:plain', source: 'chat', typology: null, imminent: 0 },
      { subject: 'user:stream', source: 'stream', typology: null, imminent: 0 },
    ]);
  } finally {
    await db.destroy();
  }
});
