import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client, escapeIdentifier } from 'pg';
import {
  dropPostgresSchemas,
  postgresConnectionString,
  postgresSkipReason,
  postgresUrl,
} from '../../test/support/postgres.js';
import { openStorage, type Storage } from './index.js';

/** The runner prints this reason when the suite skips. */
const skip = await postgresSkipReason();

/** Inserts one `stream` row of endpoint `feed` in the client's open transaction; returns its id. */
async function insertStreamRow(client: Client, key: string): Promise<number> {
  const now = new Date().toISOString();
  const result = await client.query(
    `insert into action_outbox (idempotency_key, endpoint, action, kind, mode, status, body_json, event_id, created_at, committed_at)
     values ($1, 'feed', 'end_stream', 'terminate_stream', 'active', 'stream', '{}', $1, $2, $2) returning id`,
    [key, now],
  );
  return Number(result.rows[0].id);
}

/**
 * Reads until `want` rows were handed out, at most 200 times 25 ms apart. Rows are handed out
 * once every older transaction of the whole PostgreSQL cluster has ended (the snapshot's xmin),
 * and the suite's other files run transactions of their own at the same time, so one read after
 * the commit is not enough; nothing here waits for wall-clock time to pass a figure.
 */
async function readUntil(read: () => Promise<void>, seen: number[], want: number): Promise<void> {
  for (let attempt = 0; attempt < 200 && seen.length < want; attempt += 1) {
    await read();
    if (seen.length < want) await new Promise((resolve) => setTimeout(resolve, 25));
  }
  await read();
}

describe('SSE rows are read in commit order on PostgreSQL', { skip }, () => {
  const schema = `prevail_commit_order_${process.pid}_${Date.now()}`;
  let dir: string;
  let storage: Storage;
  const clients: Client[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'prevail-commit-order-'));
    storage = await openStorage({ dataDir: join(dir, 'data'), databaseUrl: postgresUrl, schema });
    for (let n = 0; n < 2; n++) {
      const client = new Client({ connectionString: postgresConnectionString });
      await client.connect();
      await client.query(`set search_path to ${escapeIdentifier(schema)}`);
      clients.push(client);
    }
  });

  after(async () => {
    for (const client of clients) await client.end();
    await storage.close();
    await dropPostgresSchemas([schema]);
    await rm(dir, { recursive: true, force: true });
  });

  test('a row that commits after a later id is still handed out, and nothing is handed out twice', async () => {
    const [first, second] = clients as [Client, Client];
    // `first` takes the smaller id but commits last; `second` commits a larger id first.
    await first.query('begin');
    const early = await insertStreamRow(first, 'k-early');
    await second.query('begin');
    const late = await insertStreamRow(second, 'k-late');
    await second.query('commit');
    assert.ok(early < late);

    const seen: number[] = [];
    let cursor = 0;
    const read = async () => {
      const rows = await storage.outbox.streamAfter('feed', cursor, 10);
      for (const row of rows) {
        seen.push(row.id);
        cursor = row.id;
      }
    };
    await read();
    assert.deepEqual(seen, [], 'the committed later id waits while an earlier transaction runs');
    await first.query('commit');
    await readUntil(read, seen, 2);
    assert.deepEqual(seen.sort(), [early, late].sort(), 'both rows, once each');
  });

  test('a transaction that began first but wrote its row last does not lose it either', async () => {
    const [first, second] = clients as [Client, Client];
    // `second` gets its transaction id first (by writing something else), then `first` writes
    // the smaller outbox id in a younger transaction, and `second` commits a larger id first.
    const cursorStart = Math.max(0, ...(await storage.outbox.streamAfter('feed', 0, 100)).map((row) => row.id));
    await second.query('begin');
    await second.query('select txid_current()');
    await first.query('begin');
    await first.query('select txid_current()');
    const smaller = await insertStreamRow(first, 'k-smaller');
    const larger = await insertStreamRow(second, 'k-larger');
    await second.query('commit');
    const seen: number[] = [];
    let cursor = cursorStart;
    const read = async () => {
      for (const row of await storage.outbox.streamAfter('feed', cursor, 10)) {
        seen.push(row.id);
        cursor = row.id;
      }
    };
    await read();
    await first.query('commit');
    await readUntil(read, seen, 2);
    assert.ok(smaller < larger);
    assert.deepEqual(seen.sort(), [smaller, larger].sort(), 'both rows, once each');
  });
});
