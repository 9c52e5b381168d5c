/**
 * Case timelines lose linked activity after a restart: the in-memory link graph was not rebuilt
 * from `entity_links`. It is now a cache of the stored links, loaded per entity when a run of
 * events needs it, so a run cut by restarts (or by evicting entities from a small cache) gives
 * the same timelines as one run through.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { openEngine } from '../../src/engine/index.js';
import { openStorage, type Storage } from '../../src/storage/index.js';
import { examplePacks, examplePolicy, syntheticEvent } from '../support/engine-harness.js';
import { dropPostgresSchemas, postgresSkipReason, postgresUrl } from '../support/postgres.js';

const match = (id: string, user: string, time: string) =>
  syntheticEvent(
    'media.matched',
    { user },
    { matches: [{ bank: 'B', contentId: 1, signalType: 'pdq', distance: 0 }] },
    time,
    id,
  );

/** Users, their accounts (some shared), a device shared by 100 users, cases on four users, payments through a hub payee. */
function scenario(): ReturnType<typeof syntheticEvent>[] {
  const base = Date.parse('2026-11-01T00:00:00Z');
  const at = (i: number) => new Date(base + i * 60_000).toISOString();
  const events: ReturnType<typeof syntheticEvent>[] = [];
  for (let i = 0; i < 600; i++) {
    if (i % 7 === 0)
      events.push(
        syntheticEvent(
          'account.updated',
          { user: `u-${i % 11}`, payment_account: `acct-${i % 90}` },
          {},
          at(i),
          `a-${i}`,
        ),
      );
    if (i === 50 || i === 200 || i === 400) events.push(match(`m-${i}`, `u-${i % 11}`, at(i)));
    if (i === 300) events.push(match('m-v', 'v-7', at(i)));
    // One device shared by 100 users: more neighbours than the graph keeps per entity.
    if (i % 2 === 0)
      events.push(
        syntheticEvent(
          'session.started',
          { user: `v-${((i / 2) * 7) % 100}`, stream: `s-${i}`, device: 'dev-shared' },
          { kind: 'stream', visibility: 'public' },
          at(i),
          `s-${i}`,
        ),
      );
    events.push(
      syntheticEvent(
        'payment.sent',
        { payment_account: `acct-${i % 90}`, payee_account: i % 3 === 0 ? 'hub' : `payee-${i % 13}` },
        { amount: 5, currency: 'USD', payee_country: 'GB' },
        at(i),
        `p-${i}`,
      ),
    );
  }
  return events;
}

/** u1 owns acct-1, a match opens a case on u1, then acct-1 pays acct-9. */
function linkedPayment(): ReturnType<typeof syntheticEvent>[] {
  return [
    syntheticEvent('account.updated', { user: 'u1', payment_account: 'acct-1' }, {}, '2026-11-01T08:00:00Z', 'link'),
    match('match', 'u1', '2026-11-01T09:00:00Z'),
    syntheticEvent(
      'payment.sent',
      { payment_account: 'acct-1', payee_account: 'acct-9' },
      { amount: 20, currency: 'USD' },
      '2026-11-01T10:00:00Z',
      'pay',
    ),
  ];
}

/** Every case's subject with its timeline refs, sorted: what two runs must agree on. */
async function timelines(storage: Storage): Promise<Record<string, string[]>> {
  const result: Record<string, string[]> = {};
  for (const item of await storage.engine.cases.list({ limit: 1000 }))
    result[item.subject] = (await storage.engine.cases.timeline(item.id)).map((entry) => entry.ref).sort();
  return result;
}

const skipPostgres = await postgresSkipReason();

/** A fresh store (SQLite in a temporary directory, or a fresh PostgreSQL schema) and how to remove it. */
async function freshStore(
  dialect: 'sqlite' | 'postgres',
): Promise<{ open: () => Promise<Storage>; remove: () => Promise<void> }> {
  if (dialect === 'postgres') {
    const schema = `test_engine_links_${randomBytes(4).toString('hex')}`;
    return {
      open: () => openStorage({ databaseUrl: postgresUrl, schema }),
      remove: async () => {
        await dropPostgresSchemas([schema]);
      },
    };
  }
  const directory = await mkdtemp(join(tmpdir(), 'prevail-links-'));
  return {
    open: () => openStorage({ dataDir: directory }),
    remove: () => rm(directory, { recursive: true, force: true }),
  };
}

/** Ingests `events` in runs cut at `cuts`, restarting the engine (a new process's view) at each cut. */
async function ingestWithRestarts(
  events: readonly unknown[],
  cuts: readonly number[],
  options: { linkCacheEntities?: number; dialect?: 'sqlite' | 'postgres' } = {},
): Promise<Record<string, string[]>> {
  const store = await freshStore(options.dialect ?? 'sqlite');
  try {
    const storage = await store.open();
    try {
      const bounds = [0, ...cuts, events.length];
      for (let part = 0; part + 1 < bounds.length; part++) {
        const { engine } = await openEngine(storage.engine, examplePolicy, {
          packRegistry: examplePacks,
          batchSize: 50,
          ...(options.linkCacheEntities === undefined ? {} : { linkCacheEntities: options.linkCacheEntities }),
        });
        await engine.ingest(events.slice(bounds[part], bounds[part + 1]), { wait: true });
        await engine.close();
      }
      return await timelines(storage);
    } finally {
      await storage.close();
    }
  } finally {
    await store.remove();
  }
}

describe('the link graph across restarts', () => {
  test('case timelines keep linked activity after a restart', async () => {
    const events = linkedPayment();
    const oneRun = await ingestWithRestarts(events, []);
    assert.ok(oneRun['user:u1']?.includes('event:pay'), 'the linked payment joins the case in one run');
    const restarted = await ingestWithRestarts(events, [2]);
    assert.deepEqual(restarted, oneRun, 'and after a restart between the case and the payment');
  });

  test('timelines, with hubs over the neighbour cap, are the same in one run, across restarts and with a tiny link cache', async () => {
    const events = scenario();
    const oneRun = await ingestWithRestarts(events, []);
    const linked = Object.values(oneRun).reduce((sum, refs) => sum + refs.length, 0);
    assert.ok(Object.keys(oneRun).length === 4 && linked > 100, `four cases with linked activity (${linked} entries)`);
    assert.deepEqual(await ingestWithRestarts(events, [120, 333, 700]), oneRun, 'restarts');
    assert.deepEqual(
      await ingestWithRestarts(events, [], { linkCacheEntities: 8 }),
      oneRun,
      'eight entities in memory',
    );
  });

  for (const dialect of ['sqlite', 'postgres'] as const) {
    test(`openNeighbours names the neighbours with an open case (${dialect})`, {
      skip: dialect === 'postgres' ? skipPostgres : false,
    }, async () => {
      const store = await freshStore(dialect);
      try {
        const storage = await store.open();
        try {
          const { engine } = await openEngine(storage.engine, examplePolicy, { packRegistry: examplePacks });
          const events = [...linkedPayment(), ...scenario()];
          await engine.ingest(events, { wait: true });
          await engine.close();
          const open = new Set(await storage.engine.cases.openSubjects());
          assert.ok(open.size >= 4, `cases are open (${open.size})`);
          const typeOf: Record<string, string> = { payee_account: 'payment_account' };
          const entities = [
            ...new Set(
              events.flatMap((event) =>
                Object.entries(event.entities).map(([role, id]) => `${typeOf[role] ?? role}:${id}`),
              ),
            ),
            'nobody',
          ];
          // Expected: every neighbour of each entity, over all its links, with an open case.
          const all = await storage.engine.linkNeighbours(entities, 10_000);
          const expected: string[] = [];
          for (const [entity, neighbours] of all)
            for (const item of neighbours)
              if (open.has(item.neighbour)) expected.push(`${entity} ${item.neighbour} ${item.lastSeen}`);
          const shared = (all.get('device:dev-shared') ?? []).filter((item) => open.has(item.neighbour));
          assert.ok(shared.length > 0, 'a user of the shared device has a case');
          assert.ok(
            expected.includes('payment_account:acct-1 user:u1 2026-11-01T08:00:00Z'),
            'the owner of acct-1 has a case',
          );
          const lines = (found: Map<string, readonly { neighbour: string; lastSeen: string }[]>) =>
            [...found].flatMap(([entity, neighbours]) =>
              neighbours.map((item) => `${entity} ${item.neighbour} ${item.lastSeen}`),
            );
          // Asked about fewer entities than there are open cases, PostgreSQL goes from the
          // entities' links instead of from the open cases: the same answer.
          const few = ['device:dev-shared', 'payment_account:acct-1', 'payment_account:hub'];
          assert.ok(few.length < open.size);
          // Seven times each, in turns: PostgreSQL plans a prepared statement afresh for its first
          // five runs on a connection and may then keep one plan for every list.
          for (let run = 0; run < 7; run++) {
            const found = await storage.engine.openNeighbours(entities);
            assert.deepEqual(lines(found).sort(), expected.sort(), `run ${run + 1}`);
            assert.equal(found.has('nobody'), false, 'an entity without links is absent');
            assert.deepEqual(
              lines(await storage.engine.openNeighbours(few)).sort(),
              expected.filter((line) => few.includes(line.split(' ')[0] ?? '')).sort(),
              `run ${run + 1}, few`,
            );
          }
        } finally {
          await storage.close();
        }
      } finally {
        await store.remove();
      }
    });
  }

  test('on PostgreSQL too, timelines across restarts equal one run (links loaded from entity_links)', {
    skip: skipPostgres,
  }, async () => {
    const events = scenario();
    const oneRun = await ingestWithRestarts(events, []);
    assert.deepEqual(await ingestWithRestarts(events, [120, 333, 700], { dialect: 'postgres' }), oneRun);
  });
});
