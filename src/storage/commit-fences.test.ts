/**
 * `commitDelivered`'s fences on PostgreSQL, checked through the store alone: a batch commits only
 * while its worker holds its partition's lease and every partition whose features it used is
 * still held by the owner that answered, at the epoch that answered (one statement for all of
 * them). A fence that fails stores nothing and names the partition. The fence locks its rows
 * `for share` and PostgreSQL checks them again once a concurrent change commits: a rebuild that
 * raises an epoch while the commit waits for the row fails the commit.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from 'pg';
import {
  dropPostgresSchemas,
  postgresConnectionString,
  postgresSkipReason,
  postgresUrl,
} from '../../test/support/postgres.js';
import type { EngineBatch } from '../engine/index.js';
import { openStorage, type Storage } from './index.js';

const skip = await postgresSkipReason();
const schema = `commit_fences_${process.pid}_${Math.floor(Math.random() * 1e6)}`;

/** Nothing to write beyond the events themselves. */
const emptyBatch = (processedSeq: number): EngineBatch => ({
  processedSeq,
  hits: [],
  labelsAdded: [],
  labelsRemoved: [],
  links: [],
  contributions: [],
  cases: [],
});

const fakeEvent = (id: string) => ({
  id,
  type: 'payment.sent',
  time: '2026-11-01T00:00:00.000Z',
  timeMs: Date.parse('2026-11-01T00:00:00.000Z'),
  entities: { payment_account: `acct-${id}` },
  data: { amount: 1 },
});

describe('commitDelivered fences (PostgreSQL)', { skip: skip === false ? undefined : skip }, () => {
  let storage: Storage;
  let pg: Client;
  before(async () => {
    storage = await openStorage({ databaseUrl: postgresUrl, schema });
    pg = new Client({ connectionString: postgresConnectionString });
    await pg.connect();
    await pg.query(`set search_path to "${schema}"`);
    // Partition 0 held by worker-a, 1 by worker-b at epoch 3, 2 by worker-c whose lease ran out.
    await pg.query(
      `insert into bus_partition_leases (partition, owner, expires_at_ms, state_epoch) values
         (0, 'worker-a', $1, 0), (1, 'worker-b', $1, 3), (2, 'worker-c', $2, 0)`,
      [Date.now() + 600_000, Date.now() - 1_000],
    );
  });
  after(async () => {
    await pg?.end();
    await storage?.close();
    await dropPostgresSchemas([schema]);
  });

  const commit = (id: string, owner: string, peers: { partition: number; owner: string; epoch: number }[]) => {
    const commitDelivered = storage.engine.commitDelivered?.bind(storage.engine);
    assert.ok(commitDelivered, 'the PostgreSQL store commits delivered batches');
    return commitDelivered(
      [fakeEvent(id)],
      (logged) => emptyBatch(logged.at(-1)?.seq ?? 0),
      { partition: 0, owner },
      { homesOf: new Map([[id, peers.map((peer) => peer.partition)]]), peers },
    );
  };

  test('commits while every fence holds', async () => {
    assert.equal((await commit('held', 'worker-a', [{ partition: 1, owner: 'worker-b', epoch: 3 }])).length, 1);
    assert.equal((await commit('own-only', 'worker-a', [])).length, 1);
  });

  test('a lost lease, a lease run out, an owner changed or an epoch raised store nothing', async () => {
    const before = await storage.engine.events.count();
    await assert.rejects(commit('not-mine', 'worker-x', []), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'BUS_PARTITION_LOST');
      assert.match(error.message, /partition 0/);
      return true;
    });
    await assert.rejects(
      commit('old-epoch', 'worker-a', [{ partition: 1, owner: 'worker-b', epoch: 2 }]),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'BUS_PEER_UNAVAILABLE');
        assert.match(error.message, /partition 1/);
        return true;
      },
    );
    await assert.rejects(
      commit('other-owner', 'worker-a', [{ partition: 1, owner: 'worker-z', epoch: 3 }]),
      (error: Error & { code?: string }) => error.code === 'BUS_PEER_UNAVAILABLE',
    );
    await assert.rejects(
      commit('run-out', 'worker-a', [
        { partition: 1, owner: 'worker-b', epoch: 3 },
        { partition: 2, owner: 'worker-c', epoch: 0 },
      ]),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'BUS_PEER_UNAVAILABLE');
        assert.match(error.message, /partition 2/);
        return true;
      },
    );
    assert.equal(await storage.engine.events.count(), before, 'no refused batch was stored');
    // And with every fence holding, the same event goes in.
    assert.equal((await commit('run-out', 'worker-a', [{ partition: 1, owner: 'worker-b', epoch: 3 }])).length, 1);
  });

  test('a rebuild that raises the epoch while the commit waits for its row fails the commit', async () => {
    const stored = await storage.engine.events.count();
    const rebuild = new Client({ connectionString: postgresConnectionString });
    await rebuild.connect();
    try {
      await rebuild.query(`set search_path to "${schema}"`);
      await rebuild.query('begin');
      await rebuild.query('update bus_partition_leases set state_epoch = state_epoch + 1 where partition = 1');
      const committing = commit('raced', 'worker-a', [{ partition: 1, owner: 'worker-b', epoch: 3 }]);
      const outcome = committing.then(
        () => 'committed',
        (error: Error & { code?: string }) => error.code,
      );
      // Bounded wait until the commit's fence waits for the row the rebuild holds.
      let waiting = false;
      for (let attempt = 0; attempt < 100 && !waiting; attempt++) {
        const { rows } = await pg.query<{ n: number }>(
          `select count(*)::int as n from pg_stat_activity
            where wait_event_type = 'Lock' and query like '%bus_partition_leases%' and datname = current_database()`,
        );
        waiting = (rows[0]?.n ?? 0) > 0;
        if (!waiting) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.ok(waiting, 'the commit waited for the lease row');
      await rebuild.query('commit');
      assert.equal(await outcome, 'BUS_PEER_UNAVAILABLE');
    } finally {
      await rebuild.end();
    }
    assert.equal(await storage.engine.events.count(), stored, 'the refused batch was not stored');
  });
});
