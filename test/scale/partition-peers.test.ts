/**
 * The feature requests between partitioned workers over a private NATS (docs/scaling.md, "Features
 * of every role"): an answer comes from the partition's owner with its owner name and epoch; what
 * is not a request (not JSON, no events list, NUL and odd unicode, a huge body) is answered with a
 * coded error and the owner keeps answering; an owner that refuses (rebuilding) and a partition
 * nobody serves end the ask, after its bounded retries, in `BUS_PEER_UNAVAILABLE`.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { connect } from '@nats-io/transport-node';
import { EngineError } from '../../src/core/index.js';
import { busPartitionPeers, entityHome, servePartitionFeatures } from '../../src/event-bus/index.js';
import { syntheticEvent } from '../support/engine-harness.js';
import { freePort } from '../support/free-port.js';
import { natsSkipReason, PrivateNatsServer } from '../support/nats-server.js';

const skip = natsSkipReason();

describe('feature requests between partitions (NATS)', { skip, timeout: 60_000 }, () => {
  test('answers, coded refusals of what is not a request, and no owner', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'prevail-peers-'));
    const nats = new PrivateNatsServer(await freePort(), dir);
    await nats.start();
    const connection = await connect({ servers: nats.url });
    try {
      let refusing = false;
      const asked: unknown[][] = [];
      const subscription = servePartitionFeatures(connection, 3, 'worker-x', (partition, inputs) => {
        if (refusing) throw new EngineError('BUS_PEER_UNAVAILABLE', 'rebuilding');
        asked.push([...inputs]);
        return { epoch: 7, values: inputs.map(() => ({ [`payment_account:p${partition}`]: { seen: inputs.length } })) };
      });
      const peers = busPartitionPeers(connection, 8);
      assert.equal(peers.homeOf('payment_account:acct-1'), entityHome('payment_account:acct-1', 8));

      const event = syntheticEvent(
        'payment.sent',
        { payment_account: 'a', payee_account: 'b' },
        {},
        '2026-11-01T00:00:00Z',
      );
      const answer = await peers.ask(3, [{ ...event, timeMs: Date.parse(event.time) }]);
      assert.deepEqual(answer, { owner: 'worker-x', epoch: 7, values: [{ 'payment_account:p3': { seen: 1 } }] });
      assert.equal(asked.length, 1);

      // What is not a request: a coded error each, nothing handed to the owner, and it answers on.
      // [body, the error code, or undefined when the list reaches the owner (the engine checks each event)]
      const hostile: [string, string | undefined][] = [
        ['not json', 'EVENT_INVALID'],
        ['null', 'EVENT_INVALID'],
        ['[]', 'EVENT_INVALID'],
        ['{"events": "no"}', 'EVENT_INVALID'],
        ['{"events": ["\u0000"]}', 'EVENT_INVALID'], // a raw NUL inside a JSON string is not JSON
        [`{"events": ["\\u0000\u202e${'é'.repeat(10)}"], "x": 1}`, undefined],
        [`{"events": [${'{"a":'.repeat(200)}1${'}'.repeat(200)}]}`, undefined],
      ];
      for (const [body, code] of hostile) {
        const reply = JSON.parse(
          (await connection.request('prevail.features.3', body, { timeout: 2000 })).string(),
        ) as {
          error?: { code: string };
          owner?: string;
        };
        if (code === undefined) assert.equal(reply.owner, 'worker-x', body.slice(0, 40));
        else assert.equal(reply.error?.code, code, body.slice(0, 40));
      }
      const huge = JSON.stringify({ events: [{ ...event, data: { note: 'x'.repeat(200_000) } }] });
      const hugeReply = JSON.parse(
        (await connection.request('prevail.features.3', huge, { timeout: 2000 })).string(),
      ) as {
        owner?: string;
      };
      assert.equal(hugeReply.owner, 'worker-x');
      assert.deepEqual((await peers.ask(3, [])).values, []);
      // A batch larger than the server takes in one message goes in parts, in order, one answer.
      const large = Array.from({ length: 6 }, (_, i) => ({
        ...event,
        id: `large-${i}`,
        timeMs: Date.parse(event.time),
        data: { note: 'y'.repeat(300_000) },
      }));
      asked.length = 0;
      const parts = await peers.ask(3, large);
      assert.equal(parts.values.length, 6);
      assert.ok(asked.length > 1, `the batch went in ${asked.length} requests`);
      assert.deepEqual(
        asked.flat().map((input) => (input as { id: string }).id),
        large.map((item) => item.id),
      );

      // An owner that refuses, then a partition nobody serves: BUS_PEER_UNAVAILABLE after bounded retries.
      refusing = true;
      await assert.rejects(peers.ask(3, []), (error: EngineError) => error.code === 'BUS_PEER_UNAVAILABLE');
      subscription.unsubscribe();
      const started = performance.now();
      await assert.rejects(peers.ask(5, []), (error: EngineError) => error.code === 'BUS_PEER_UNAVAILABLE');
      assert.ok(performance.now() - started < 10_000, 'the ask gives up within its bound');
    } finally {
      await connection.close();
      await nats.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
