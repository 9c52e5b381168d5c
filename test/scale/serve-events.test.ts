/**
 * The composition roots wired end to end: `prevail serve --events` answers `POST /v1/events` once
 * JetStream has the events, and a `prevail worker` logs and processes them into the shared
 * PostgreSQL (a case opens for a media match), and `?wait=verdict` answers with the worker's
 * committed verdict. Also: `--events` values that are not NATS server
 * URLs (src/cli/nats-url-list.test.ts), and bus mode without PostgreSQL, are refused before
 * anything starts.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Client } from 'pg';
import { startBusRig } from '../support/bus-rig.js';
import { examplePolicy } from '../support/engine-harness.js';
import { natsSkipReason } from '../support/nats-server.js';
import { postgresSkipReason } from '../support/postgres.js';
import { runPrevail, spawnPrevailWorker, startPrevailServe, type WorkerProcess } from '../support/prevail-process.js';

const skip = natsSkipReason() ?? (await postgresSkipReason());

describe('bus mode needs PostgreSQL', () => {
  test('bus mode without PostgreSQL is CONFIG_INVALID', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'prevail-events-'));
    try {
      const worker = await runPrevail(['worker', '--events', 'nats://127.0.0.1:4222', '--data-dir', dir]);
      assert.notEqual(worker.code, 0);
      assert.match(worker.stderr, /CONFIG_INVALID/);
      const serve = await runPrevail(['serve', '--events', 'nats://127.0.0.1:4222', '--data-dir', dir]);
      assert.notEqual(serve.code, 0);
      assert.match(serve.stderr, /CONFIG_INVALID/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('prevail serve --events with a prevail worker', {
  skip: skip === false ? undefined : skip,
  timeout: 180_000,
}, () => {
  test('an event posted to the API node is processed by the worker', async () => {
    const rig = await startBusRig('prevail_serve_events');
    const { dir, database, nats } = rig;
    const source = ['--database-url', database.url, '--policy', examplePolicy, '--data-dir', dir];
    let worker: WorkerProcess | undefined;
    const pg = new Client({ connectionString: database.connectionString });
    try {
      const created = await runPrevail(['keys', 'create', 'ingest', '--scopes', 'write', ...source]);
      assert.equal(created.code, 0, created.stderr);
      const key = (JSON.parse(created.stdout) as { secret: string }).secret;
      const server = await startPrevailServe([
        '--events',
        nats.url,
        ...source,
        '--hash-workers',
        '1',
        '--stream-hash-workers',
        '0',
      ]);
      try {
        const event = {
          id: 'served-1',
          type: 'media.matched',
          time: '2026-11-03T00:00:00Z',
          entities: { user: 'u-served' },
          data: { matches: [{ bank: 'TEST_BANK', contentId: 1, signalType: 'pdq', distance: 0 }] },
        };
        const post = async () =>
          fetch(`${server.url}/v1/events`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
            body: JSON.stringify(event),
          });
        const answer = await post();
        assert.equal(answer.status, 200, await answer.clone().text());
        const body = (await answer.json()) as { accepted: number };
        assert.equal(body.accepted, 1);
        // Nothing is processed by the API node: the event is not in the store until a worker runs.
        await pg.connect();
        assert.equal(Number((await pg.query('select count(*) as n from events')).rows[0]?.n), 0);
        worker = spawnPrevailWorker(nats.url, source);
        let cases = 0;
        for (let i = 0; i < 240 && cases === 0; i++) {
          cases = Number(
            (await pg.query("select count(*) as n from cases where subject = 'user:u-served' and status = 'open'"))
              .rows[0]?.n,
          );
          if (cases === 0) await new Promise((resolve) => setTimeout(resolve, 250));
        }
        assert.equal(cases, 1, 'the worker processed the event: its case is open');
        // Sent again: the bus drops it as a duplicate within its window.
        const again = (await (await post()).json()) as { accepted: number; duplicates: number };
        assert.equal(again.duplicates, 1);
        // With ?wait=verdict the API node answers with the verdict the worker committed.
        const waited = await fetch(`${server.url}/v1/events?wait=verdict`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ ...event, id: 'served-2', entities: { user: 'u-served-2' } }),
        });
        assert.equal(waited.status, 200, await waited.clone().text());
        const verdict = (await waited.json()) as {
          results: { status: string; code?: string; verdict?: { eventId: string; verdict: string } }[];
        };
        assert.equal(verdict.results[0]?.status, 'accepted');
        assert.equal(verdict.results[0]?.code, undefined, 'the verdict came within the wait');
        assert.deepEqual(
          { eventId: verdict.results[0]?.verdict?.eventId, verdict: verdict.results[0]?.verdict?.verdict },
          { eventId: 'served-2', verdict: 'block' },
        );
      } finally {
        await server.stop();
      }
    } finally {
      worker?.child.kill('SIGKILL');
      await pg.end().catch(() => undefined);
      await rig.close();
    }
  });
});
