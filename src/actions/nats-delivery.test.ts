import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { openActionRig, privateSession, writeActionPolicy } from '../../test/support/action-rig.js';
import { freePort } from '../../test/support/free-port.js';
import { natsSkipReason, PrivateNatsServer } from '../../test/support/nats-server.js';
import { deliveryBody, NatsActionPublisher } from './index.js';

/** A string skip reason is printed by the test reporter. */
const skip = natsSkipReason();

/** A clock the test moves, so retry waits pass without sleeping. */
function testClock() {
  let now = Date.now();
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const noBreaker = { threshold: 1000, cooldownMs: 1 };

async function natsPolicy(policyDir: string): Promise<void> {
  await writeActionPolicy(policyDir, 'http://127.0.0.1:9/unused');
  await writeFile(
    join(policyDir, 'actions.yaml'),
    `endpoints:
  bus:
    kind: nats
    subject: prevail.actions.{{kind}}
    stream: PREVAIL_ACTIONS_TEST
    timeout_ms: 1000
actions:
  - name: end_stream
    kind: terminate_stream
    mode: active
    endpoints: [bus]
    payload: { stream: "{{entities.stream}}" }
  - name: warn_host
    kind: warn_user
    mode: shadow
    endpoints: [bus]
`,
  );
}

describe('actions on NATS JetStream (a private nats-server)', { skip }, () => {
  let dir: string;
  let server: PrivateNatsServer;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'prevail-actions-nats-'));
    server = new PrivateNatsServer(await freePort(), join(dir, 'jetstream'));
    await server.start();
    await natsPolicy(join(dir, 'policy'));
  });

  afterEach(async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function streamMessages(stream: string) {
    const connection = await connect({ servers: server.url, reconnect: false });
    try {
      const manager = await jetstreamManager(connection);
      const info = await manager.streams.info(stream);
      const messages = [];
      for (let seq = info.state.first_seq; seq <= info.state.last_seq && messages.length < 100; seq++) {
        const message = await manager.streams.getMessage(stream, { seq });
        if (message !== null)
          messages.push({
            subject: message.subject,
            msgId: message.header?.get('Nats-Msg-Id'),
            body: message.string(),
          });
      }
      return messages;
    } finally {
      await connection.close();
    }
  }

  test('an active action is published once on its subject with its key as Nats-Msg-Id; a shadow one never', async () => {
    const rig = await openActionRig(join(dir, 'data'), join(dir, 'policy'), undefined, { natsServers: server.url });
    const dispatcher = rig.dispatcher({ breaker: noBreaker });
    try {
      await rig.engine.ingest([privateSession('evt-n1', 'host-1', 'stream-1')], { wait: true });
      assert.deepEqual(await dispatcher.drain(), { attempted: 1, delivered: 1, failed: 0 });
      const [row] = await rig.storage.outbox.list({ status: 'delivered', limit: 10 });
      assert.ok(row !== undefined);
      const messages = await streamMessages('PREVAIL_ACTIONS_TEST');
      assert.equal(messages.length, 1);
      assert.equal(messages[0]?.subject, 'prevail.actions.terminate_stream');
      assert.equal(messages[0]?.msgId, row.idempotencyKey);
      assert.equal(messages[0]?.body, deliveryBody(row));
      assert.equal((await rig.storage.outbox.list({ status: 'shadow', limit: 10 })).length, 1);
      const attempts = await rig.storage.outbox.attempts(row.id);
      assert.deepEqual(
        attempts.map((attempt) => [attempt.httpStatus, attempt.error]),
        [[null, null]],
      );
    } finally {
      await dispatcher.close();
      await rig.close();
    }
  });

  test('a publish repeated after a lost outcome is dropped by the stream as a duplicate (same Nats-Msg-Id)', async () => {
    const rig = await openActionRig(join(dir, 'data'), join(dir, 'policy'), undefined, { natsServers: server.url });
    const dispatcher = rig.dispatcher({ breaker: noBreaker });
    const publisher = new NatsActionPublisher();
    try {
      await rig.engine.ingest([privateSession('evt-n2', 'host-2', 'stream-2')], { wait: true });
      assert.deepEqual(await dispatcher.drain(), { attempted: 1, delivered: 1, failed: 0 });
      const [row] = await rig.storage.outbox.list({ status: 'delivered', limit: 1 });
      const bus = rig.policy.endpoints.get('bus');
      assert.ok(row !== undefined && bus?.kind === 'nats');
      // What a process that lost the first outcome (a crash after the PubAck) does: publish again.
      assert.equal(await publisher.publish(bus, row, deliveryBody(row)), 'duplicate');
      const messages = await streamMessages('PREVAIL_ACTIONS_TEST');
      assert.equal(messages.length, 1, 'the stream holds one message per action');
    } finally {
      await publisher.close();
      await dispatcher.close();
      await rig.close();
    }
  });

  test('while the server is away publishes fail and are retried; when it comes back the action is delivered once', async () => {
    const rig = await openActionRig(join(dir, 'data'), join(dir, 'policy'), undefined, { natsServers: server.url });
    const clock = testClock();
    const dispatcher = rig.dispatcher({ breaker: noBreaker, now: clock.now, random: () => 0.5 });
    try {
      await rig.engine.ingest([privateSession('evt-n3', 'host-3', 'stream-3')], { wait: true });
      clock.advance(1000);
      assert.deepEqual(await dispatcher.drain(), { attempted: 1, delivered: 1, failed: 0 });
      await server.stop();
      await rig.engine.ingest([privateSession('evt-n4', 'host-4', 'stream-4')], { wait: true });
      clock.advance(1000);
      const away = await dispatcher.runOnce();
      assert.deepEqual(away, { attempted: 1, delivered: 0, failed: 1 });
      const [waiting] = await rig.storage.outbox.list({ status: 'pending', limit: 10 });
      assert.ok(waiting !== undefined);
      assert.equal(waiting.attempts, 1);
      assert.match(waiting.lastError ?? '', /^nats: /);
      assert.ok(waiting.nextAttemptAt !== null);

      await server.start();
      clock.advance(60_000);
      // The client reconnects by itself; bounded: at most 20 rounds until the publish goes through.
      let delivered = 0;
      for (let round = 0; round < 20 && delivered === 0; round++) {
        delivered = (await dispatcher.runOnce()).delivered;
        if (delivered === 0) {
          clock.advance(60_000);
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }
      assert.equal(delivered, 1);
      const messages = await streamMessages('PREVAIL_ACTIONS_TEST');
      assert.equal(messages.length, 2, 'each action once, the one published before the outage kept');
      assert.deepEqual(
        messages.map((message) => JSON.parse(message.body).event_id),
        ['evt-n3', 'evt-n4'],
      );
    } finally {
      await dispatcher.close();
      await rig.close();
    }
  });
});
