import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { EngineBatch, EngineStore } from '../engine/index.js';
import type { EngineDatabase } from './engine-tables.js';
import { KyselyEngineStore } from './kysely-engine-store.js';
import { migrateToLatest } from './migrations/index.js';
import { openStorage } from './open-storage.js';
import { openSqliteDatabase } from './sqlite-database.js';

/**
 * The SQLite fast path (`sqliteEngineWriter`, one small writer per part of a batch) must do
 * exactly what the Kysely path does, which PostgreSQL uses: same rows after the same appends,
 * commits and label changes, and a whole batch or nothing when one of its parts fails.
 */

const time = (second: number): string => `2026-03-01T10:00:${String(second).padStart(2, '0')}.000Z`;

const event = (id: string, second: number) => ({
  id,
  type: 'account.created',
  time: time(second),
  timeMs: Date.parse(time(second)),
  entities: { user: id.replace('e', 'u') },
  data: { n: second },
});

const firstBatch: EngineBatch = {
  processedSeq: 2,
  hits: [
    {
      eventId: 'e1',
      eventSeq: 1,
      ruleId: 'r1',
      mode: 'active',
      subject: 'user:u1',
      reason: 'one',
      effects: [{ a: 1 }],
      time: time(1),
    },
    {
      eventId: 'e2',
      eventSeq: 2,
      ruleId: 'r2',
      mode: 'shadow',
      subject: null,
      reason: 'two',
      effects: [],
      time: time(2),
    },
  ],
  labelsAdded: [
    { entity: 'user:u1', label: 'watch', addedAt: time(1), expiresAt: null, source: 'rule:r1', reason: 'one' },
    { entity: 'user:u2', label: 'trusted', addedAt: time(2), expiresAt: time(59), source: 'rule:r2', reason: 'two' },
  ],
  labelsRemoved: [],
  links: [
    { from: 'user:u1', to: 'device:d1', kind: 'uses_device', time: time(3) },
    { from: 'user:u1', to: 'device:d1', kind: 'uses_device', time: time(1) },
    { from: 'user:u2', to: 'ip:203.0.113.7', kind: 'uses_ip', time: time(2) },
  ],
  contributions: [
    { typology: 't1', subject: 'user:u1', ruleId: 'r1', eventId: 'e1', points: 3, reason: 'one', time: time(1) },
    { typology: 't1', subject: 'user:u1', ruleId: 'r2', eventId: 'e2', points: 2, reason: 'two', time: time(2) },
  ],
  cases: [
    {
      subject: 'user:u1',
      open: true,
      priority: 'low',
      raiseFrom: [],
      time: time(1),
      entries: [{ kind: 'rule_hit', ref: 'hit:e1:r1', time: time(1), summary: 'r1 hit', detail: { rule: 'r1' } }],
      traits: { source: 'payments', sourceReplaces: ['other', 'chat'], typology: 't1', imminent: false },
    },
    {
      subject: 'user:u2',
      open: false,
      priority: 'high',
      raiseFrom: ['low'],
      time: time(2),
      entries: [{ kind: 'event', ref: 'event:e2', time: time(2), summary: 'ignored', detail: null }],
      traits: { source: 'chat', sourceReplaces: ['other'], typology: null, imminent: true },
    },
  ],
  deadLetters: [{ eventSeq: 3, eventId: 'e3', code: 'INTERNAL', message: 'failed', failedAt: time(3) }],
  snapshot: { seq: 2, json: '{"features":1}' },
};

const secondBatch: EngineBatch = {
  processedSeq: 3,
  hits: [
    {
      eventId: 'e1',
      eventSeq: 1,
      ruleId: 'r1',
      mode: 'active',
      subject: 'user:u1',
      reason: 'again',
      effects: [],
      time: time(9),
    },
    {
      eventId: 'e3',
      eventSeq: 3,
      ruleId: 'r1',
      mode: 'active',
      subject: 'user:u1',
      reason: 'three',
      effects: null,
      time: time(3),
    },
  ],
  labelsAdded: [
    {
      entity: 'user:u1',
      label: 'watch',
      addedAt: time(3),
      expiresAt: time(50),
      source: 'person:ana',
      reason: 'renewed',
    },
  ],
  labelsRemoved: [{ entity: 'user:u2', label: 'trusted' }],
  links: [{ from: 'user:u1', to: 'device:d1', kind: 'uses_device', time: time(0) }],
  contributions: [
    { typology: 't1', subject: 'user:u1', ruleId: 'r1', eventId: 'e1', points: 9, reason: 'again', time: time(9) },
  ],
  cases: [
    {
      subject: 'user:u1',
      open: false,
      priority: 'high',
      raiseFrom: ['low', 'medium'],
      time: time(3),
      // Merged: the higher source wins, the typology set first is kept, imminent is set.
      traits: {
        source: 'hash_match',
        sourceReplaces: ['other', 'chat', 'payments', 'stream'],
        typology: 't2',
        imminent: true,
      },
      entries: [
        { kind: 'rule_hit', ref: 'hit:e1:r1', time: time(9), summary: 'duplicate', detail: {} },
        { kind: 'rule_hit', ref: 'hit:e3:r1', time: time(3), summary: 'r1 hit again', detail: { rule: 'r1' } },
      ],
    },
  ],
  deadLetters: [{ eventSeq: 3, eventId: 'e3', code: 'STORAGE_UNAVAILABLE', message: 'duplicate', failedAt: time(9) }],
};

/** Every engine row of a SQLite file, without the columns that hold the wall-clock time of writing. */
function engineRows(file: string): Record<string, unknown[]> {
  const connection = new BetterSqlite3(file, { readonly: true });
  try {
    const read = (query: string): unknown[] => connection.prepare(query).all();
    return {
      events: read('select seq, id, type, time, time_ms, entities_json, data_json from events order by seq'),
      engineState: read('select name, processed_seq, snapshot_seq, snapshot_json from engine_state order by name'),
      ruleHits: read('select * from rule_hits order by event_id, rule_id'),
      labels: read('select * from labels order by entity, label'),
      links: read('select * from entity_links order by from_entity, to_entity, kind'),
      contributions: read('select * from typology_contributions order by typology, subject, event_id, rule_id'),
      cases: read('select * from cases order by id'),
      timeline: read('select * from case_timeline order by case_id, ref'),
      deadLetters: read('select * from dead_letters order by event_seq'),
    };
  } finally {
    connection.close();
  }
}

/** Opens a store on `dataDir` through the fast path (as `openStorage` does) or through Kysely only. */
async function openEngineStore(
  dataDir: string,
  path: 'fast' | 'kysely',
): Promise<{ store: EngineStore; file: string; close: () => Promise<void> }> {
  const file = join(dataDir, 'prevail.sqlite');
  if (path === 'fast') {
    const storage = await openStorage({ dataDir });
    return { store: storage.engine, file, close: () => storage.close() };
  }
  const handle = openSqliteDatabase(file);
  await migrateToLatest(handle.kysely, 'sqlite', undefined);
  const store = new KyselyEngineStore(
    handle.kysely.withTables<EngineDatabase>() as unknown as Kysely<EngineDatabase>,
    'sqlite',
  );
  return { store, file, close: () => handle.kysely.destroy() };
}

describe('sqliteEngineWriter', () => {
  let directory: string;

  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'prevail-engine-writer-'));
  });

  after(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  test('the SQLite engine writer, split per concern, writes exactly what the Kysely path writes', async () => {
    const results: Record<string, { appended: unknown; rows: Record<string, unknown[]> }> = {};
    for (const path of ['fast', 'kysely'] as const) {
      const opened = await openEngineStore(join(directory, `same-${path}`), path);
      try {
        const appended = [
          await opened.store.events.append([event('e1', 1), event('e2', 2), event('e3', 3)]),
          await opened.store.events.append([event('e1', 1), event('e4', 4)]),
        ];
        await opened.store.commit(firstBatch);
        await opened.store.commit(secondBatch);
        await opened.store.saveLabels(
          [
            {
              entity: 'user:u3',
              label: 'watch',
              addedAt: time(5),
              expiresAt: null,
              source: 'person:ana',
              reason: 'seen',
            },
          ],
          [{ entity: 'user:u1', label: 'watch' }],
        );
        results[path] = { appended, rows: engineRows(opened.file) };
      } finally {
        await opened.close();
      }
    }
    assert.deepEqual(results.fast, results.kysely);

    const { appended, rows } = results.fast ?? assert.fail('no result');
    const [first, second] = appended as { stored: boolean; seq: number }[][];
    assert.deepEqual(first, [
      { stored: true, seq: 1 },
      { stored: true, seq: 2 },
      { stored: true, seq: 3 },
    ]);
    assert.deepEqual(second?.[0], { stored: false, seq: 1 }, 'an event appended again keeps the seq of its first copy');
    assert.ok(second?.[1]?.stored === true && second[1].seq > 3);
    assert.equal(rows.ruleHits?.length, 3, 'a hit stored again for the same event and rule is kept once');
    assert.deepEqual(rows.links?.[0], {
      from_entity: 'user:u1',
      to_entity: 'device:d1',
      kind: 'uses_device',
      first_seen: time(0),
      last_seen: time(3),
      count: 3,
    });
    assert.equal(rows.cases?.length, 1, 'an update that may not open a case opens none');
    assert.equal((rows.cases?.[0] as { priority: string } | undefined)?.priority, 'high');
    assert.deepEqual(
      (({ source, typology, imminent }) => ({ source, typology, imminent }))(
        rows.cases?.[0] as { source: string; typology: string; imminent: number },
      ),
      { source: 'hash_match', typology: 't1', imminent: 1 },
      'traits merge: the higher source wins, the first typology is kept, imminent is set',
    );
    assert.deepEqual(
      rows.timeline?.map((entry) => (entry as { summary: string }).summary),
      ['r1 hit', 'r1 hit again'],
    );
    assert.deepEqual(rows.labels, [
      { entity: 'user:u3', label: 'watch', added_at: time(5), expires_at: null, source: 'person:ana', reason: 'seen' },
    ]);
    assert.deepEqual(
      rows.deadLetters?.map((letter) => (letter as { code: string }).code),
      ['INTERNAL'],
    );
    assert.deepEqual(rows.engineState, [
      { name: 'engine', processed_seq: 3, snapshot_seq: 0, snapshot_json: null },
      { name: 'snapshot', processed_seq: 0, snapshot_seq: 2, snapshot_json: '{"features":1}' },
    ]);
  });

  test('runs longer than one multi-row statement, with repeats inside and across statements, are written as the Kysely path writes them', async () => {
    // 150 events: more than two statements' worth. `e3` comes again in the same statement and
    // `e7` in a later one; `e1` was appended by an earlier call.
    const ids = Array.from({ length: 150 }, (_, index) => `e${index}`);
    ids[42] = 'e3';
    ids[100] = 'e7';
    const effects = [{ kind: 'verdict', verdict: 'review' }];
    const batch: EngineBatch = {
      processedSeq: 150,
      hits: ids.map((id, index) => ({
        eventId: id,
        eventSeq: index + 1,
        ruleId: `r${index % 3}`,
        mode: index % 2 === 0 ? 'active' : 'shadow',
        subject: index % 5 === 0 ? null : `user:u${index % 7}`,
        reason: `hit ${index}`,
        effects: index % 4 === 0 ? [] : effects,
        time: time(index % 60),
      })),
      labelsAdded: [],
      labelsRemoved: [],
      // The same few links again and again: later rows of a statement, and later statements, count them.
      links: ids.map((_, index) => ({
        from: `user:u${index % 9}`,
        to: `device:d${index % 4}`,
        kind: 'uses_device',
        time: time((index * 7) % 60),
      })),
      contributions: [],
      cases: [],
    };
    const results: Record<string, { appended: unknown; rows: Record<string, unknown[]> }> = {};
    for (const path of ['fast', 'kysely'] as const) {
      const opened = await openEngineStore(join(directory, `runs-${path}`), path);
      try {
        const appended = [
          await opened.store.events.append([event('e1', 1)]),
          await opened.store.events.append(ids.map((id, index) => event(id, index % 60))),
        ];
        await opened.store.commit(batch);
        results[path] = { appended, rows: engineRows(opened.file) };
      } finally {
        await opened.close();
      }
    }
    assert.deepEqual(results.fast, results.kysely);
    const { appended, rows } = results.fast ?? assert.fail('no result');
    const outcomes = (appended as { stored: boolean; seq: number }[][])[1] ?? [];
    assert.deepEqual(outcomes[1], { stored: false, seq: 1 }, 'appended by an earlier call');
    assert.deepEqual(outcomes[42], { stored: false, seq: outcomes[3]?.seq }, 'a repeat in the same statement');
    assert.deepEqual(outcomes[100], { stored: false, seq: outcomes[7]?.seq }, 'a repeat in a later statement');
    assert.equal(rows.events?.length, 148);
    assert.equal(rows.ruleHits?.length, 148, 'a repeated (event, rule) hit is kept once');
    assert.equal(
      rows.links?.reduce((sum: number, link) => sum + Number((link as { count: number }).count), 0),
      150,
      'every observation counted',
    );
  });

  test('an append after the log counted past its last row gives the seqs SQLite gave, as the Kysely path does', async () => {
    // The last row deleted: `autoincrement` goes on from its counter, not from the largest seq
    // left, and a row skipped as a repeat used a number up too: the seqs are not the largest
    // seq plus one, two…, and the fast path must take them from the rows.
    const results: Record<string, { appended: unknown; rows: Record<string, unknown[]> }> = {};
    for (const path of ['fast', 'kysely'] as const) {
      const opened = await openEngineStore(join(directory, `counter-${path}`), path);
      try {
        await opened.store.events.append([event('e1', 1), event('e2', 2), event('e3', 3)]);
        const deleteLast = () => {
          const connection = new BetterSqlite3(opened.file);
          try {
            connection.prepare('delete from events where seq = (select max(seq) from events)').run();
          } finally {
            connection.close();
          }
        };
        deleteLast();
        const appended = [
          // A repeat among them.
          await opened.store.events.append([event('e4', 4), event('e1', 1), event('e5', 5), event('e3', 3)]),
        ];
        deleteLast();
        // No repeat: every row inserted, but not after the largest seq left.
        appended.push(await opened.store.events.append([event('e6', 6), event('e7', 7)]));
        results[path] = { appended, rows: engineRows(opened.file) };
      } finally {
        await opened.close();
      }
    }
    assert.deepEqual(results.fast, results.kysely);
    assert.deepEqual(results.fast?.appended, [
      [
        { stored: true, seq: 4 },
        { stored: false, seq: 1 },
        { stored: true, seq: 6 },
        { stored: true, seq: 7 },
      ],
      [
        { stored: true, seq: 8 },
        { stored: true, seq: 9 },
      ],
    ]);
  });

  test('a case opened and joined in one commit, and one entry added to several cases, are written as the Kysely path writes them', async () => {
    // One event's own entry, the same object in the update of each case it joins.
    const shared = {
      kind: 'event' as const,
      ref: 'event:e1',
      time: time(1),
      summary: 'payment',
      detail: { amount: 40 },
    };
    const traits = { source: 'payments', sourceReplaces: ['other'], typology: 't1', imminent: false } as const;
    const batch: EngineBatch = {
      processedSeq: 2,
      hits: [],
      labelsAdded: [],
      labelsRemoved: [],
      links: [],
      contributions: [],
      cases: [
        { subject: 'user:u5', open: true, priority: 'low', raiseFrom: [], time: time(1), entries: [shared], traits },
        { subject: 'user:u6', open: false, priority: 'low', raiseFrom: [], time: time(1), entries: [shared], traits },
        {
          subject: 'user:u5',
          open: false,
          priority: 'low',
          raiseFrom: [],
          time: time(2),
          entries: [{ kind: 'event', ref: 'event:e2', time: time(2), summary: 'again', detail: null }],
          traits,
        },
        { subject: 'user:u7', open: true, priority: 'high', raiseFrom: [], time: time(2), entries: [shared], traits },
        { subject: 'user:u5', open: true, priority: 'high', raiseFrom: ['low'], time: time(2), entries: [], traits },
      ],
    };
    const rows: Record<string, Record<string, unknown[]>> = {};
    for (const path of ['fast', 'kysely'] as const) {
      const opened = await openEngineStore(join(directory, `joined-${path}`), path);
      try {
        await opened.store.events.append([event('e1', 1), event('e2', 2)]);
        await opened.store.commit(batch);
        rows[path] = engineRows(opened.file);
      } finally {
        await opened.close();
      }
    }
    assert.deepEqual(rows.fast, rows.kysely);
    assert.deepEqual(
      rows.fast?.cases?.map((row) =>
        (({ subject, priority }) => ({ subject, priority }))(row as Record<string, unknown>),
      ),
      [
        { subject: 'user:u5', priority: 'high' },
        { subject: 'user:u7', priority: 'high' },
      ],
    );
    assert.deepEqual(
      rows.fast?.timeline?.map((row) => (({ ref, detail_json }) => [ref, detail_json])(row as Record<string, unknown>)),
      [
        ['event:e1', '{"amount":40}'],
        ['event:e2', 'null'],
        ['event:e1', '{"amount":40}'],
      ],
    );
  });

  test('the SQLite engine writer commits a batch in one transaction: a part that fails leaves nothing of it', async () => {
    for (const path of ['fast', 'kysely'] as const) {
      const opened = await openEngineStore(join(directory, `atomic-${path}`), path);
      try {
        await opened.store.events.append([event('e1', 1), event('e2', 2)]);
        await opened.store.commit({ ...firstBatch, cases: [], deadLetters: [] });
        const before = engineRows(opened.file);
        // A timeline detail that cannot become JSON fails the cases part, after hits, labels,
        // links and contributions of the same batch were written.
        const failing: EngineBatch = {
          ...secondBatch,
          cases: [
            {
              subject: 'user:u9',
              open: true,
              priority: 'low',
              raiseFrom: [],
              time: time(5),
              traits: { source: 'other', sourceReplaces: [], typology: null, imminent: false },
              entries: [{ kind: 'note', ref: 'note:1', time: time(5), summary: 'bad', detail: { size: 1n } }],
            },
          ],
        };
        await assert.rejects(opened.store.commit(failing), TypeError, path);
        assert.deepEqual(engineRows(opened.file), before, `${path}: nothing of the failed batch is kept`);
        assert.equal((await opened.store.loadState()).processedSeq, 2, path);
      } finally {
        await opened.close();
      }
    }
  });
});
