/**
 * `?wait=verdict` in multi-node mode (docs/scaling.md, "Verdicts over the bus"): an API-node
 * engine publishes with commit notices; an in-process worker commits each waited-for event's
 * verdict with it and tells the node, which reads the verdict from PostgreSQL. Checked: with no
 * worker the wait ends with `VERDICT_TIMEOUT` (the event stays accepted); with one, the verdicts
 * equal an embedded engine's for the same events, and their rows are taken (deleted) once read;
 * an id the log held before it was published answers `duplicate`; a node whose notices are all
 * lost still gets the verdict (it reads the store again on its own).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from 'pg';
import { createServices, type Services } from '../../src/app/index.js';
import type { EngineBus, IngestResult } from '../../src/engine/index.js';
import {
  connectEventPublisher,
  type EventPublisher,
  type EventWorker,
  startEventWorker,
} from '../../src/event-bus/index.js';
import { type BusRig, startBusRig } from '../support/bus-rig.js';
import { examplePolicy, startTestEngine, syntheticEvent } from '../support/engine-harness.js';
import { natsSkipReason } from '../support/nats-server.js';
import { postgresSkipReason } from '../support/postgres.js';

const skip = natsSkipReason() ?? (await postgresSkipReason());

const time = (i: number) => new Date(Date.parse('2026-11-05T00:00:00Z') + i * 1000).toISOString();

/** Synthetic payments between fake accounts, and a media match on a fake user (a `block` verdict). */
function payment(i: number) {
  return syntheticEvent(
    'payment.sent',
    { payment_account: 'acct-v1', payee_account: `payee-v${i % 3}` },
    { amount: 10 + i, currency: 'USD', payee_country: 'PH' },
    time(i),
    `verdict-pay-${i}`,
  );
}
const mediaMatch = syntheticEvent(
  'media.matched',
  { user: 'u-verdict' },
  { matches: [{ bank: 'TEST_BANK', contentId: 1, signalType: 'pdq', distance: 0 }] },
  time(100),
  'verdict-media-1',
);

describe('verdicts over the bus', { skip: skip === false ? undefined : skip, timeout: 180_000 }, () => {
  let rig: BusRig;
  let publisher: EventPublisher;
  let api: Services;
  let worker: Services | undefined;
  let running: EventWorker | undefined;
  let pg: Client;

  const apiNode = (bus: EngineBus) =>
    createServices(
      { dataDir: rig.dir, databaseUrl: rig.database.url, policyDir: examplePolicy },
      { withEngine: true, loadIndexes: false, engineBus: bus },
    );
  const ingest = async (services: Services, events: readonly unknown[]): Promise<IngestResult[]> => {
    const engine = services.engine?.engine;
    assert.ok(engine);
    return engine.ingest(events, { wait: true });
  };

  before(async () => {
    rig = await startBusRig('prevail_bus_verdicts');
    publisher = await connectEventPublisher(rig.nats.url, { verdictWaitMs: 30_000 });
    api = await apiNode({
      publish: (events, options) => publisher.publish(events, options),
      watchCommits: (ids, onCommit) => publisher.watchCommits(ids, onCommit),
      verdictWaitMs: publisher.verdictWaitMs,
    });
    pg = new Client({ connectionString: rig.database.connectionString });
    await pg.connect();
  });

  after(async () => {
    await running?.stop();
    await worker?.close();
    await api?.close();
    await publisher?.close();
    await pg?.end();
    await rig?.close();
  });

  test('no worker: the wait ends with VERDICT_TIMEOUT and the event stays accepted', async () => {
    const hasty = await apiNode({
      publish: (events, options) => publisher.publish(events, options),
      watchCommits: (ids, onCommit) => publisher.watchCommits(ids, onCommit),
      verdictWaitMs: 1500,
    });
    const [result] = await ingest(hasty, [payment(0)]).finally(() => hasty.close());
    assert.equal(result?.status, 'accepted');
    assert.ok(result?.status === 'accepted');
    assert.equal(result.code, 'VERDICT_TIMEOUT');
    assert.equal(result.verdict, undefined);
  });

  test('with a worker: the committed verdicts, equal to the embedded mode’s, read once', async () => {
    worker = await createServices(
      { dataDir: rig.dir, databaseUrl: rig.database.url, policyDir: examplePolicy },
      { withEngine: true, loadIndexes: false, engineBus: {} },
    );
    const engine = worker.engine?.engine;
    const record = worker.storage.engine.recordBusDeadLetters?.bind(worker.storage.engine);
    assert.ok(engine && record);
    running = await startEventWorker({ url: rig.nats.url, processor: engine, deadLetters: record });

    const events = [payment(1), payment(2), payment(3), mediaMatch];
    // The worker processes payment 0 first (it is first in the stream), as the control does.
    const control = await startTestEngine();
    let expected: IngestResult[];
    try {
      await control.engine.ingest([payment(0)], { wait: true });
      expected = await control.engine.ingest(events, { wait: true });
    } finally {
      await control.close();
      await control.remove();
    }
    const results = await ingest(api, events);
    const late = results.filter((result) => result.status === 'accepted' && result.code === 'VERDICT_TIMEOUT');
    assert.equal(late.length, 0, `no verdict was late: ${JSON.stringify(late)}`);
    assert.equal(results.length, events.length);
    for (const [index, result] of results.entries()) {
      const wanted = expected[index];
      assert.equal(result.status, 'accepted');
      assert.ok(result.status === 'accepted' && wanted?.status === 'accepted');
      assert.deepEqual(result.verdict, wanted.verdict, `the verdict of ${result.id}`);
    }
    const media = results[3];
    assert.ok(media?.status === 'accepted');
    assert.equal(media.verdict?.verdict, 'block', 'the media match is blocked, as its rule says');
    const rows = await pg.query('select event_id from event_verdicts where event_id = any($1)', [
      events.map((event) => event.id),
    ]);
    assert.equal(rows.rowCount, 0, 'each verdict row was taken when it was read');
  });

  test('an id the log held before it was published answers duplicate', async () => {
    const event = payment(20);
    await pg.query(
      `insert into events (id, type, time, time_ms, entities_json, data_json, received_at)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [
        event.id,
        event.type,
        event.time,
        Date.parse(event.time),
        JSON.stringify(event.entities),
        JSON.stringify(event.data),
        new Date().toISOString(),
      ],
    );
    const [result] = await ingest(api, [event]);
    assert.equal(result?.status, 'duplicate', JSON.stringify(result));
  });

  test('a node whose commit notices are all lost still reads the verdict', async () => {
    const deaf = await apiNode({
      publish: (events, options) => publisher.publish(events, options),
      watchCommits: () => () => undefined,
      verdictWaitMs: 30_000,
    });
    try {
      const [result] = await ingest(deaf, [payment(30)]);
      assert.ok(result?.status === 'accepted', JSON.stringify(result));
      assert.equal(result.code, undefined);
      assert.ok(result.verdict !== undefined, 'a verdict was read from PostgreSQL');
    } finally {
      await deaf.close();
    }
  });
});
