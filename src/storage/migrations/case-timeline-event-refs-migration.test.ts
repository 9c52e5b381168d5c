import assert from 'node:assert/strict';
import { test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, type Migration, Migrator, SqliteDialect, sql } from 'kysely';
import type { EngineDatabase } from '../engine-tables.js';
import { KyselyCaseRepository } from '../kysely-case-repository.js';
import { migrateToLatest, storageMigrations } from './index.js';

const message = {
  id: 'm1',
  type: 'message.sent',
  entities: { user: 'a', recipient: 'b', dyad: 'a~b' },
  data: { text: 'a fake test line', chars: 16 },
};

test('migration 0027 turns the stored copies of logged events into references, and the timeline reads as before', async () => {
  const connection = new BetterSqlite3(':memory:');
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: connection }) });
  try {
    const migrations: Record<string, Migration> = {};
    for (const migration of storageMigrations.filter((item) => item.name < '0027'))
      migrations[migration.name] = { up: (kysely) => migration.up(kysely, 'sqlite') };
    const { error } = await new Migrator({ db, provider: { getMigrations: async () => migrations } }).migrateToLatest();
    assert.equal(error, undefined);
    const time = '2026-01-01T00:00:00.000Z';
    await sql`insert into events (id, type, time, time_ms, entities_json, data_json, received_at) values
      (${message.id}, ${message.type}, ${time}, 0, ${JSON.stringify(message.entities)}, ${JSON.stringify(message.data)}, ${time})`.execute(
      db,
    );
    await sql`insert into cases (id, subject, status, priority, opened_at, updated_at) values
      (1, 'user:a', 'open', 'high', ${time}, ${time})`.execute(db);
    const hit = { ruleId: 'r1', effects: [] };
    // An event in the log, an event that is not (kept as stored), and a rule hit (not an event).
    await sql`insert into case_timeline (case_id, ref, kind, time, summary, detail_json) values
      (1, 'event:m1', 'event', ${time}, 'message.sent user=a', ${JSON.stringify(message)}),
      (1, 'event:gone', 'event', ${time}, 'x', '{"id":"gone","type":"x","entities":{},"data":{"n":1}}'),
      (1, 'hit:m1:r1', 'rule_hit', ${time}, 'r1: why', ${JSON.stringify(hit)})`.execute(db);
    // What the timeline read gave before 0027: each row's detail as stored.
    const before = (
      await sql<{ ref: string; kind: string; time: string; summary: string; detail_json: string }>`
        select ref, kind, time, summary, detail_json from case_timeline order by time, ref`.execute(db)
    ).rows.map((row) => ({
      caseId: 1,
      kind: row.kind,
      ref: row.ref,
      time: row.time,
      summary: row.summary,
      detail: JSON.parse(row.detail_json) as unknown,
    }));

    const applied = await migrateToLatest(db, 'sqlite', undefined);
    assert.equal(applied[0], '0027_case_timeline_event_refs');
    const rows = await sql<{ ref: string; event_id: string | null; detail_json: string }>`
      select ref, event_id, detail_json from case_timeline order by ref`.execute(db);
    assert.deepEqual(rows.rows, [
      { ref: 'event:gone', event_id: null, detail_json: '{"id":"gone","type":"x","entities":{},"data":{"n":1}}' },
      { ref: 'event:m1', event_id: 'm1', detail_json: '{"id":"m1","type":"message.sent"}' },
      { ref: 'hit:m1:r1', event_id: null, detail_json: JSON.stringify(hit) },
    ]);
    // No copy of the message's text is left in the timeline.
    assert.ok(!rows.rows.some((row) => row.detail_json.includes('fake test line')));
    const repository = new KyselyCaseRepository(db as unknown as Kysely<EngineDatabase>, 'sqlite');
    assert.deepEqual(await repository.timeline(1), before);
    assert.deepEqual(before.find((entry) => entry.ref === 'event:m1')?.detail, message);
  } finally {
    await db.destroy();
  }
});
