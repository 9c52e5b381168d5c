import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createApiKey } from '../../src/auth/index.js';
import type { EngineBatch } from '../../src/engine/index.js';
import { actionSecretEnv, privateSession, writeActionPolicy } from '../support/action-rig.js';
import { startTestServer } from '../support/server-harness.js';

/** The samples of a Prometheus text page: `name{labels}` → value. */
function parseMetrics(page: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of page.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

/** Polls `check` every 10 ms until it holds, at most 200 times (2 s). */
async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail(`never happened: ${what}`);
}

describe('/metrics shows the engine: events in, lag, rule hits, verdict latency, dead letters, queues, outbox', () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let base: string;
  let reader: string;
  let writer: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'prevail-engine-metrics-'));
    // Nothing listens on port 9: actions stay pending until the test gives one up.
    await writeActionPolicy(dir, 'http://127.0.0.1:9/hooks/prevail');
    server = await startTestServer({ policyDir: dir, actionSecrets: actionSecretEnv });
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
    reader = (await createApiKey(server.services.storage.apiKeys, 'ops', ['read'])).secret;
    writer = (await createApiKey(server.services.storage.apiKeys, 'platform', ['write'])).secret;
  });

  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const scrape = async () => {
    const response = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${reader}` } });
    assert.equal(response.status, 200);
    return parseMetrics(await response.text());
  };
  const post = async (events: unknown[]) => {
    const response = await fetch(`${base}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${writer}`, 'content-type': 'application/json' },
      body: JSON.stringify(events),
    });
    assert.equal(response.status, 200, await response.clone().text());
    return (await response.json()) as { accepted: number; rejected: number };
  };

  test('each metric appears and moves as events go through the server', async () => {
    const engine = server.services.engine?.engine;
    assert.ok(engine !== undefined);
    const store = server.services.storage.engine;
    const commit = store.commit.bind(store);
    // Hold every commit until released, so that the lag can be seen; refuse the writes of the
    // event "evt-poison" so that it is dead-lettered.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    store.commit = async (batch: EngineBatch) => {
      await gate;
      if (batch.hits.some((hit) => hit.eventId === 'evt-poison')) throw new Error('synthetic refusal of one event');
      return commit(batch);
    };

    const empty = await scrape();
    assert.equal(empty.get('prevail_engine_lag_events'), 0);
    assert.equal(empty.get('prevail_engine_lag_seconds'), 0);
    assert.equal(empty.get('prevail_actions_dead{endpoint="platform"}'), 0);
    assert.equal(empty.get('prevail_engine_verdict_latency_seconds_count'), 0);

    const invalid = { id: 'evt-bad', type: 'session.started', time: 'not a time', entities: {}, data: {} };
    const answer = await post([
      privateSession('evt-m1', 'host-m1', 'stream-m1'),
      privateSession('evt-m2', 'host-m2', 'stream-m2'),
      privateSession('evt-poison', 'host-m3', 'stream-m3'),
      invalid,
    ]);
    assert.deepEqual([answer.accepted, answer.rejected], [3, 1]);
    await post([privateSession('evt-m1', 'host-m1', 'stream-m1')]);
    await new Promise((resolve) => setTimeout(resolve, 30));

    const held = await scrape();
    assert.equal(held.get('prevail_engine_events_total{type="session.started",outcome="accepted"}'), 3);
    assert.equal(held.get('prevail_engine_events_total{type="session.started",outcome="duplicate"}'), 1);
    assert.equal(held.get('prevail_engine_events_total{type="",outcome="rejected"}'), 1);
    assert.equal(held.get('prevail_engine_lag_events'), 3, 'three events logged, none committed');
    assert.ok((held.get('prevail_engine_lag_seconds') ?? 0) >= 0.02, 'the watermark is at least 30 ms stale');
    assert.equal((held.get('prevail_engine_logged_seq') ?? 0) - (held.get('prevail_engine_processed_seq') ?? 0), 3);

    release();
    await until(async () => (await scrape()).get('prevail_engine_lag_events') === 0, 'the engine caught up');
    await engine.drain();
    const done = await scrape();
    assert.equal(done.get('prevail_engine_lag_seconds'), 0);
    const verdicts = [...done].filter(([name]) =>
      name.startsWith('prevail_engine_events_processed_total{type="session.started",verdict="'),
    );
    assert.equal(
      verdicts.filter(([name]) => !name.includes('dead_letter')).reduce((sum, [, value]) => sum + value, 0),
      2,
      'two events processed with a verdict',
    );
    assert.equal(done.get('prevail_engine_events_processed_total{type="session.started",verdict="dead_letter"}'), 1);
    assert.equal(done.get('prevail_engine_rule_hits_total{rule="private_session",mode="active"}'), 2);
    assert.equal(done.get('prevail_engine_dead_lettered_total{code="STORAGE_UNAVAILABLE"}'), 1);
    assert.equal(done.get('prevail_engine_dead_letters'), 1);
    assert.equal(done.get('prevail_engine_verdict_latency_seconds_count'), 3);
    assert.ok((done.get('prevail_engine_verdict_latency_seconds_sum') ?? 0) >= 0.06, 'each waited behind the gate');
    assert.equal(done.get('prevail_engine_verdict_latency_seconds_bucket{le="0.001"}'), 0);

    const depths = [...done].filter(([name]) => name.startsWith('prevail_queue_depth{'));
    assert.equal(
      depths.reduce((sum, [, value]) => sum + value, 0),
      2,
      'the two cases opened are in the queues',
    );
    assert.ok(
      [...done].some(([name, value]) => name.startsWith('prevail_queue_oldest_age_seconds{') && value >= 0),
      'the oldest age of each queue is there',
    );
    const pending = done.get('prevail_actions_pending{endpoint="platform"}') ?? 0;
    assert.ok(pending >= 2, `actions wait in the outbox (${pending})`);

    // An action given up on: the dead count moves, the pending count falls.
    const [claimed] = await server.services.storage.outbox.claimDue(
      'platform',
      new Date(Date.now() + 3_600_000).toISOString(),
      new Date(Date.now() + 3_660_000).toISOString(),
      1,
    );
    assert.ok(claimed !== undefined);
    const at = new Date().toISOString();
    await server.services.storage.outbox.recordAttempt(
      { outboxId: claimed.id, at, httpStatus: null, latencyMs: 1, error: 'synthetic: connection refused' },
      { kind: 'dead', at, error: 'synthetic: retry bound spent' },
    );
    const after = await scrape();
    assert.equal(after.get('prevail_actions_dead{endpoint="platform"}'), 1);
    assert.equal(after.get('prevail_actions_pending{endpoint="platform"}'), pending - 1);
  });
});
