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

/** The read a worker replays a partition with (`readPartition`), as SQL. */
const partitionRead = 'select * from events where bus_partition = 3 and seq > 0 order by seq limit 500';

test('migration 0032: events_by_bus_partition holds partitioned events only, and a partition is still read by it', async () => {
  const connection = new BetterSqlite3(':memory:');
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: connection }) });
  try {
    const migrations: Record<string, Migration> = {};
    for (const migration of storageMigrations.filter((item) => item.name < '0032'))
      migrations[migration.name] = { up: (kysely) => migration.up(kysely, 'sqlite') };
    const { error } = await new Migrator({ db, provider: { getMigrations: async () => migrations } }).migrateToLatest();
    assert.equal(error, undefined);
    const append = (seq: number, partition: number | null) =>
      sql`insert into events (seq, id, type, time, time_ms, entities_json, data_json, received_at, bus_partition)
        values (${seq}, ${`e${seq}`}, 'fake.event', '2026-01-01T00:00:00.000Z', 0, '{}', '{}', '2026-01-01T00:00:00.000Z', ${partition})`.execute(
        db,
      );
    await append(1, null);
    await append(2, 3);
    const indexSql = () =>
      String(connection.prepare(`select sql from sqlite_master where name = 'events_by_bus_partition'`).pluck().get());
    assert.doesNotMatch(indexSql(), /where/i);

    const applied = await migrateToLatest(db, 'sqlite', undefined);
    assert.equal(applied[0], '0032_events_partition_index_partial');
    assert.match(indexSql(), /where bus_partition is not null/i);
    await append(3, null);
    await append(4, 3);
    await append(5, 4);
    assert.match(
      (connection.prepare(`explain query plan ${partitionRead}`).all() as { detail: string }[])
        .map((row) => row.detail)
        .join(' | '),
      /USING INDEX events_by_bus_partition \(bus_partition=\? AND seq>\?\)/,
    );
    const read = connection.prepare(partitionRead).all() as { seq: number }[];
    assert.deepEqual(
      read.map((row) => row.seq),
      [2, 4],
    );
  } finally {
    await db.destroy();
  }
});

test('migration 0032 on PostgreSQL: the index is partial and a partition read uses it', { skip }, async () => {
  const schema = `prevail_0032_${process.pid}_${Date.now()}`;
  const dir = await mkdtemp(join(tmpdir(), 'prevail-0032-'));
  try {
    const storage = await openStorage({ dataDir: join(dir, 'data'), databaseUrl: postgresUrl, schema });
    await storage.close();
    const client = new Client({ connectionString: postgresConnectionString });
    await client.connect();
    try {
      const { rows } = await client.query<{ indexdef: string }>(
        'select indexdef from pg_indexes where schemaname = $1 and indexname = $2',
        [schema, 'events_by_bus_partition'],
      );
      assert.match(rows[0]?.indexdef ?? '', /WHERE \(bus_partition IS NOT NULL\)/);
      await client.query(`set search_path to "${schema}"`);
      await client.query('set enable_seqscan = off');
      // A generic plan (as a prepared statement with a parameter gets) still uses the partial index.
      await client.query('set plan_cache_mode = force_generic_plan');
      await client.query(
        'prepare partition_read(int) as select * from events where bus_partition = $1 and seq > 0 order by seq limit 500',
      );
      const plan = await client.query<{ 'QUERY PLAN': string }>('explain execute partition_read(3)');
      assert.match(plan.rows.map((row) => row['QUERY PLAN']).join('\n'), /events_by_bus_partition/);
    } finally {
      await client.end();
    }
  } finally {
    await dropPostgresSchemas([schema]);
    await rm(dir, { recursive: true, force: true });
  }
});
