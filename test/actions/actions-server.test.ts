import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createApiKey } from '../../src/auth/index.js';
import { type ActionReceiver, startActionReceiver } from '../support/action-receiver.js';
import { actionSecret, actionSecretEnv, privateSession, writeActionPolicy } from '../support/action-rig.js';
import { startTestServer } from '../support/server-harness.js';

describe('actions in the server: wired from the policy, delivered by the dispatcher, counted in /metrics', () => {
  let dir: string;
  let receiver: ActionReceiver;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let reader: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'prevail-actions-server-'));
    receiver = await startActionReceiver(actionSecret);
    await writeActionPolicy(dir, receiver.url);
    server = await startTestServer({ policyDir: dir, actionSecrets: actionSecretEnv });
    reader = (await createApiKey(server.services.storage.apiKeys, 'ops', ['read'])).secret;
  });

  after(async () => {
    await server.close();
    await receiver.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('an ingested event is delivered once and /metrics shows the delivery and an empty queue', async () => {
    const metrics = async () =>
      (await server.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${reader}` } }))
        .body;
    await server.services.engine?.engine.ingest([privateSession('evt-s1', 'host-s', 'stream-s')], { wait: true });
    assert.match(await metrics(), /^prevail_actions_pending\{endpoint="platform"\} 1$/m);
    const dispatcher = server.services.actions;
    assert.ok(dispatcher !== undefined, 'createServices builds the dispatcher when the policy declares an endpoint');
    await dispatcher.drain();
    assert.equal(receiver.effective.size, 1);
    const body = await metrics();
    assert.match(body, /^prevail_action_delivery_seconds_count\{endpoint="platform",outcome="delivered"\} 1$/m);
    assert.match(body, /^prevail_actions_pending\{endpoint="platform"\} 0$/m);
    assert.doesNotMatch(body, /^prevail_action_delivery_failures_total\{/m);
  });
});
