import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, type Migration, Migrator, SqliteDialect, sql } from 'kysely';
import { Client } from 'pg';
import {
  dropPostgresSchemas,
  postgresConnectionString,
  postgresSkipReason,
  postgresUrl,
} from '../../../test/support/postgres.js';
import { openStorage } from '../index.js';
import { migrateToLatest, storageMigrations } from './index.js';

/** The runner prints this reason when the PostgreSQL test skips. */
const skip = await postgresSkipReason();

/** SQLite's plan for `query`, one line. */
function plan(db: BetterSqlite3.Database, query: string): string {
  return (db.prepare(`explain query plan ${query}`).all() as { detail: string }[]).map((row) => row.detail).join(' | ');
}

test('migration 0024 drops rule_hits_by_rule and keeps the stored hits and the indexes hits are read by', async () => {
  const connection = new BetterSqlite3(':memory:');
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: connection }) });
  try {
    const migrations: Record<string, Migration> = {};
    for (const migration of storageMigrations.filter((item) => item.name < '0024'))
      migrations[migration.name] = { up: (kysely) => migration.up(kysely, 'sqlite') };
    const { error } = await new Migrator({ db, provider: { getMigrations: async () => migrations } }).migrateToLatest();
    assert.equal(error, undefined);
    const indexes = () =>
      (
        connection.prepare(`select name from sqlite_master where type = 'index' and tbl_name = 'rule_hits'`).all() as {
          name: string;
        }[]
      )
        .map((row) => row.name)
        .sort();
    assert.ok(indexes().includes('rule_hits_by_rule'));
    await sql`insert into rule_hits (event_id, rule_id, event_seq, mode, subject, reason, effects_json, time) values
      ('e1', 'r1', 1, 'active', 'user:a', 'why', '[]', '2026-01-01T00:00:00.000Z'),
      ('e2', 'r1', 2, 'shadow', 'user:b', 'why', '[]', '2026-01-01T00:00:01.000Z')`.execute(db);

    const applied = await migrateToLatest(db, 'sqlite', undefined);
    assert.equal(applied[0], '0024_rule_hits_write_indexes');
    assert.deepEqual(indexes(), ['rule_hits_by_subject', 'sqlite_autoindex_rule_hits_1']);
    const count = await sql<{ count: number }>`select count(*) as count from rule_hits`.execute(db);
    assert.deepEqual(count.rows, [{ count: 2 }]);
    // The reads of hits: a subject's in event order (EngineStore.hitsFor), one by event and rule
    // (the primary key, which the writers' `on conflict` finds).
    assert.match(
      plan(connection, `select * from rule_hits where subject = 'user:a' order by event_seq limit 500`),
      /USING INDEX rule_hits_by_subject \(subject=\?\)/,
    );
    assert.match(
      plan(connection, `select * from rule_hits where event_id = 'e1' and rule_id = 'r1'`),
      /USING INDEX sqlite_autoindex_rule_hits_1 \(event_id=\? AND rule_id=\?\)/,
    );
  } finally {
    await db.destroy();
  }
});

test('migration 0024 on PostgreSQL: a migrated store has no rule_hits_by_rule, and rule statistics still read', {
  skip,
}, async () => {
  const schema = `prevail_0024_${process.pid}_${Date.now()}`;
  const dir = await mkdtemp(join(tmpdir(), 'prevail-0024-'));
  try {
    const storage = await openStorage({ dataDir: join(dir, 'data'), databaseUrl: postgresUrl, schema });
    try {
      assert.deepEqual(await storage.engine.ruleHitStats(), []);
    } finally {
      await storage.close();
    }
    const client = new Client({ connectionString: postgresConnectionString });
    await client.connect();
    try {
      const result = await client.query(
        'select indexname from pg_indexes where schemaname = $1 and tablename = $2 order by indexname',
        [schema, 'rule_hits'],
      );
      const names = result.rows.map((row: { indexname: string }) => row.indexname);
      assert.ok(!names.includes('rule_hits_by_rule'), names.join(', '));
      assert.ok(names.includes('rule_hits_by_subject'), names.join(', '));
    } finally {
      await client.end();
    }
  } finally {
    await dropPostgresSchemas([schema]);
    await rm(dir, { recursive: true, force: true });
  }
});
