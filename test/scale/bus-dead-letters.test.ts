/**
 * Nothing a worker is delivered vanishes silently (docs/scaling.md, failure modes). Into a private
 * NATS JetStream go valid events through an API-node engine, and straight onto the subject a
 * message that is not JSON, one the engine refuses, one whose id holds NUL and a huge one; two events cannot be committed (a
 * processor wrapper throws whenever a batch holds them), and for one of them the store also
 * refuses the worker's own dead letter once, so only JetStream's MAX_DELIVERIES advisory can
 * catch it. Each of the six must be recorded exactly once in the engine's dead letters with its
 * code, every other event processed, the stream drained, and the API node's dead-letter count
 * (`/metrics`) see them.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, nanos } from '@nats-io/transport-node';
import { Client } from 'pg';
import { createServices } from '../../src/app/index.js';
import {
  type BusDeadLetter,
  connectEventPublisher,
  eventStreamName,
  startEventWorker,
  workerConsumerName,
} from '../../src/event-bus/index.js';
import { crashEvents } from '../integ/support/crash-events.js';
import { startBusRig } from '../support/bus-rig.js';
import { examplePolicy, syntheticEvent } from '../support/engine-harness.js';
import { freePort } from '../support/free-port.js';
import { natsSkipReason, PrivateNatsServer } from '../support/nats-server.js';
import { postgresSkipReason } from '../support/postgres.js';

const skip = natsSkipReason() ?? (await postgresSkipReason());
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('bus dead letters', { skip: skip === false ? undefined : skip, timeout: 180_000 }, () => {
  test('unreadable, refused and uncommittable messages are each dead-lettered once; the others are processed', async () => {
    const rig = await startBusRig('prevail_bus_dead');
    const { dir, database, nats } = rig;
    const publisher = await connectEventPublisher(nats.url);
    // Three deliveries at most, so that the test does not wait for twenty.
    const bus = await connect({ servers: nats.url });
    const manager = await jetstreamManager(bus);
    await manager.consumers.delete(eventStreamName, workerConsumerName);
    await manager.consumers.add(eventStreamName, {
      durable_name: workerConsumerName,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(30_000),
      max_deliver: 3,
    });
    const api = await createServices(
      { dataDir: dir, databaseUrl: database.url, policyDir: examplePolicy },
      { withEngine: true, loadIndexes: false, engineBus: { publish: (items) => publisher.publish(items) } },
    );
    const workerSide = await createServices(
      { dataDir: dir, databaseUrl: database.url, policyDir: examplePolicy },
      { withEngine: true, loadIndexes: false, engineBus: {} },
    );
    const pg = new Client({ connectionString: database.connectionString });
    await pg.connect();
    let worker: Awaited<ReturnType<typeof startEventWorker>> | undefined;
    try {
      const good = crashEvents(0, 60);
      const poison = ['poison-commit', 'poison-advisory'].map((id, n) =>
        syntheticEvent(
          'payment.sent',
          { payment_account: `acct-poison-${n}`, payee_account: 'payee-poison' },
          { amount: 1, currency: 'USD' },
          '2026-11-02T00:00:00Z',
          id,
        ),
      );
      const apiEngine = api.engine?.engine;
      const engine = workerSide.engine?.engine;
      assert.ok(apiEngine && engine);
      await apiEngine.ingest([...good.slice(0, 30), ...poison, ...good.slice(30)]);
      const js = jetstream(bus);
      const unreadable = await js.publish('prevail.events.0000beef', 'not JSON {');
      const refused = await js.publish(
        'prevail.events.0000beef',
        JSON.stringify({ id: 'refused-1', type: 'no.such.type', time: 'yesterday', entities: {} }),
      );

      // Hostile: an id with NUL and control characters (PostgreSQL text refuses NUL), a huge body.
      const nulId = await js.publish(
        'prevail.events.0000beef',
        JSON.stringify({ id: 'bad\u0000id\u0007', type: 'x\u0000', time: 1e308, entities: { user: 'u\u0000' } }),
      );
      const huge = await js.publish('prevail.events.0000beef', `\u0000${'\u{1F600}x'.repeat(100_000)}`);
      const poisonIds = new Set(poison.map((event) => event.id));
      const store = workerSide.storage.engine;
      assert.ok(store.recordBusDeadLetters);
      const record = store.recordBusDeadLetters.bind(store);
      let refusedOnce = false;
      worker = await startEventWorker({
        url: nats.url,
        batchSize: 25,
        retryAfterFailureMs: 50,
        processor: {
          processDelivered: (inputs) =>
            inputs.some((input) => poisonIds.has((input as { id: string }).id))
              ? Promise.reject(new Error('synthetic commit failure'))
              : engine.processDelivered(inputs),
        },
        deadLetters: async (letters: readonly BusDeadLetter[]) => {
          // The store refuses the worker's own letter for this event once: the advisory must catch it.
          if (!refusedOnce && letters.some((letter) => letter.eventId === 'poison-advisory')) {
            refusedOnce = true;
            throw new Error('synthetic store outage');
          }
          return record(letters);
        },
      });

      // Bounded wait (60 s): all good events logged, four letters, the stream empty.
      let state = { events: 0, letters: 0, messages: -1, ackPending: -1 };
      for (let i = 0; i < 240; i++) {
        const one = async (query: string) => Number((await pg.query(query)).rows[0]?.n ?? 0);
        const stream = await manager.streams.info(eventStreamName);
        const consumer = await manager.consumers.info(eventStreamName, workerConsumerName);
        state = {
          events: await one('select count(*) as n from events'),
          letters: await one('select count(*) as n from dead_letters'),
          messages: stream.state.messages,
          ackPending: consumer.num_ack_pending,
        };
        if (state.events >= good.length && state.letters >= 6 && state.messages === 0 && state.ackPending === 0) break;
        await pause(250);
      }
      // Let a late duplicate show up if there were one (a second advisory, a redelivery).
      await pause(1000);
      const letters = (await pg.query('select event_seq, event_id, code, message from dead_letters order by event_seq'))
        .rows as { event_seq: string; event_id: string; code: string; message: string }[];
      process.stdout.write(
        `state ${JSON.stringify(state)}; worker ${JSON.stringify(worker.counts)}; letters ${JSON.stringify(letters.map((row) => [row.event_id, row.code]))}\n`,
      );
      assert.deepEqual(
        letters.map((row) => [row.event_id, row.code]).sort(),
        [
          [`nats:${eventStreamName}:${huge.seq}`, 'BUS_MESSAGE_UNREADABLE'],
          [`nats:${eventStreamName}:${nulId.seq}`, 'BUS_EVENT_REFUSED'],
          [`nats:${eventStreamName}:${unreadable.seq}`, 'BUS_MESSAGE_UNREADABLE'],
          ['poison-advisory', 'BUS_DELIVERIES_EXHAUSTED'],
          ['poison-commit', 'BUS_DELIVERIES_EXHAUSTED'],
          ['refused-1', 'BUS_EVENT_REFUSED'],
        ].sort(),
        'each message is one dead letter',
      );
      assert.match(letters.find((row) => row.event_id === 'poison-commit')?.message ?? '', /synthetic commit failure/);
      assert.match(letters.find((row) => row.event_id === 'poison-advisory')?.message ?? '', /3 deliveries/);
      assert.ok(refused.seq > unreadable.seq);
      const logged = (await pg.query('select id from events')).rows.map((row: { id: string }) => row.id).sort();
      assert.deepEqual(logged, good.map((event) => event.id).sort(), 'every other event was processed, once');
      assert.equal(state.messages, 0, 'nothing is left in the stream');
      assert.equal(state.ackPending, 0);
      assert.equal(worker.counts.processed, good.length);
      assert.equal(worker.counts.refused, 4);
      const hugeLetter = letters.find((row) => row.event_id === `nats:${eventStreamName}:${huge.seq}`);
      assert.ok((hugeLetter?.message.length ?? 0) < 2001, 'a huge body is quoted, not copied');
      assert.equal(
        worker.counts.deadLettered,
        6,
        'the worker counts the letters it (and its advisory listener) recorded',
      );
      // What the API node's /metrics gauge prevail_engine_dead_letters reads: the shared store's count.
      assert.equal(await apiEngine.deadLetterCount(), 6);
    } finally {
      await worker?.stop();
      await pg.end();
      await bus.close();
      await workerSide.close();
      await api.close();
      await publisher.close();
      await rig.close();
    }
  });
  test('a store that is away: a failed batch is tried alone three times, the rest delivered again untried', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'prevail-bus-away-'));
    const nats = new PrivateNatsServer(await freePort(), join(dir, 'nats'));
    await nats.start();
    const publisher = await connectEventPublisher(nats.url);
    let worker: Awaited<ReturnType<typeof startEventWorker>> | undefined;
    try {
      const events = crashEvents(0, 10).map((event) => ({ ...event, timeMs: Date.parse(event.time) }));
      await publisher.publish(events);
      let calls = 0;
      const letters: BusDeadLetter[] = [];
      worker = await startEventWorker({
        url: nats.url,
        batchSize: 10,
        // Not delivered again within the test: one failed batch is what is counted.
        retryAfterFailureMs: 60_000,
        processor: {
          processDelivered: () => {
            calls++;
            return Promise.reject(new Error('synthetic: the store is away'));
          },
        },
        deadLetters: async (items) => {
          letters.push(...items);
          return items.length;
        },
      });
      for (let i = 0; i < 120 && calls < 4; i++) await pause(250);
      await pause(1000);
      assert.equal(calls, 4, 'the whole batch, then three events alone; the other seven untried');
      assert.equal(worker.counts.failedBatches, 1);
      assert.equal(worker.counts.processed, 0);
      assert.deepEqual(letters, [], 'nothing is dead-lettered before its last delivery');
    } finally {
      await worker?.stop();
      await publisher.close();
      await nats.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
