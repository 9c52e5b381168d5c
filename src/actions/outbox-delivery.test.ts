import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, test } from 'node:test';
import { type ActionReceiver, startActionReceiver } from '../../test/support/action-receiver.js';
import { actionSecret, openActionRig, privateSession, writeActionPolicy } from '../../test/support/action-rig.js';
import { type CaseBackend, caseBackends } from '../../test/support/case-backends.js';
import { createActionPlanner } from './index.js';

/** A clock the test moves, so that retry waits and breaker cooldowns pass without sleeping. */
function testClock() {
  let now = Date.now();
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const noBreaker = { threshold: 1000, cooldownMs: 1 };

const backends = await caseBackends();

for (const backend of backends)
  describe(`actions: the transactional outbox and webhook delivery (${backend.name})`, { skip: backend.skip }, () => {
    let dir: string;
    let place: string;
    let receiver: ActionReceiver;
    let rig: Awaited<ReturnType<typeof openActionRig>>;
    const opener = (at: string) => (backend as CaseBackend).open(at);

    async function open(endpoint: { timeoutMs?: number; concurrency?: number } = {}) {
      await writeActionPolicy(join(dir, 'policy'), receiver.url, endpoint);
      place = await backend.place();
      rig = await openActionRig(place, join(dir, 'policy'), opener);
    }

    after(() => backend.cleanup());

    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'prevail-actions-'));
      receiver = await startActionReceiver(actionSecret);
    });

    afterEach(async () => {
      await rig.close();
      await receiver.close();
      await rm(dir, { recursive: true, force: true });
    });

    test('an action effect is committed with its event and delivered once, signed, with its case; the shadow action is never sent', async () => {
      await open();
      await rig.engine.ingest([privateSession('evt-a1', 'host-1', 'stream-1')], { wait: true });
      const rows = await rig.storage.outbox.list({ limit: 10 });
      const active = rows.find((row) => row.action === 'end_stream');
      const shadow = rows.find((row) => row.action === 'warn_host');
      assert.equal(rows.length, 2);
      assert.equal(active?.status, 'pending');
      assert.equal(shadow?.status, 'shadow');
      const [openCase] = await rig.storage.engine.cases.list();
      assert.equal(active?.caseId, openCase?.id, 'the row carries the case the same commit opened');

      const round = await rig.dispatcher({ breaker: noBreaker }).drain();
      assert.deepEqual(round, { attempted: 1, delivered: 1, failed: 0 });
      assert.equal(receiver.requests.length, 1);
      const received = receiver.requests[0];
      assert.equal(received?.signatureValid, true);
      assert.equal(received?.idempotencyKey, active?.idempotencyKey);
      assert.equal(received?.json.case_id, openCase?.id);
      assert.equal(received?.json.kind, 'terminate_stream');
      assert.deepEqual(received?.json.payload, {
        stream: 'stream-1',
        host: 'host-1',
        rule: 'private_session',
        reasons: ['A private live session started (synthetic test rule)'],
      });

      assert.deepEqual(await rig.dispatcher({ breaker: noBreaker }).drain(), { attempted: 0, delivered: 0, failed: 0 });
      assert.equal(receiver.requests.length, 1, 'a delivered action is not sent again');
      assert.ok(receiver.requests.every((request) => request.json.action !== 'warn_host'));
      const after = await rig.storage.outbox.list({ limit: 10 });
      assert.equal(after.find((row) => row.action === 'end_stream')?.status, 'delivered');
      assert.equal(after.find((row) => row.action === 'warn_host')?.status, 'shadow');
      const attempts = await rig.storage.outbox.attempts(active?.id ?? 0);
      assert.equal(attempts.length, 1);
      assert.equal(attempts[0]?.httpStatus, 200);
      const audited = await rig.storage.engine.audit.page(0, 100);
      assert.ok(
        audited.some((entry) => entry.action === 'action.delivered' && entry.subject === `action:${active?.id}`),
      );
    });

    test('reprocessing the event log (a replay) writes no second action', async () => {
      await open();
      await rig.engine.ingest([privateSession('evt-r1', 'host-2', 'stream-2')], { wait: true });
      await rig.engine.close();
      await rig.storage.engine.resetProcessing();
      await rig.storage.close();
      rig = await openActionRig(place, join(dir, 'policy'), opener);
      await rig.engine.drain();
      const rows = await rig.storage.outbox.list({ limit: 10 });
      assert.equal(rows.length, 2);
      // The same planned rows committed again (a crash before the watermark moved) add nothing.
      const again = createActionPlanner(rig.policy).plan({
        action: 'end_stream',
        eventId: 'evt-r1',
        eventType: 'session.started',
        time: rows[0]?.createdAt ?? '',
        ruleId: 'private_session',
        typology: null,
        subject: 'user:host-2',
        entities: { user: 'host-2', stream: 'stream-2' },
        reasons: ['A private live session started (synthetic test rule)'],
      });
      assert.equal(again[0]?.idempotencyKey, rows.find((row) => row.action === 'end_stream')?.idempotencyKey);
      const { processedSeq } = await rig.storage.engine.loadState();
      const empty = { hits: [], labelsAdded: [], labelsRemoved: [], links: [], contributions: [], cases: [] };
      await rig.storage.engine.commit({ processedSeq, ...empty, actions: again });
      assert.equal((await rig.storage.outbox.list({ limit: 10 })).length, 2);
    });

    test('retries stop at the attempt bound and the row goes dead, every attempt recorded', async () => {
      await open();
      receiver.setMode({ kind: 'fail' });
      await rig.engine.ingest([privateSession('evt-f1', 'host-3', 'stream-3')], { wait: true });
      const clock = testClock();
      const dispatcher = rig.dispatcher({
        breaker: noBreaker,
        now: clock.now,
        retry: { baseMs: 1000, capMs: 1000, deadlineMs: 86_400_000, maxAttempts: 3 },
      });
      for (let round = 0; round < 6; round++) {
        await dispatcher.drain();
        clock.advance(5_000);
      }
      assert.equal(receiver.requests.length, 3);
      const [row] = await rig.storage.outbox.list({ status: 'dead', limit: 10 });
      assert.equal(row?.attempts, 3);
      assert.equal(row?.lastError, 'HTTP 500');
      const attempts = await rig.storage.outbox.attempts(row?.id ?? 0);
      assert.deepEqual(
        attempts.map((attempt) => attempt.httpStatus),
        [500, 500, 500],
      );
      const audited = await rig.storage.engine.audit.page(0, 100);
      assert.deepEqual(
        audited.filter((entry) => entry.subject === `action:${row?.id}`).map((entry) => entry.action),
        ['action.retry', 'action.retry', 'action.dead'],
      );
    });

    test('a receiver that times out or goes away is retried, then delivered to when it is back', async () => {
      await open({ timeoutMs: 200 });
      receiver.setMode({ kind: 'hang' });
      await rig.engine.ingest([privateSession('evt-t1', 'host-4', 'stream-4')], { wait: true });
      const clock = testClock();
      const dispatcher = rig.dispatcher({ breaker: noBreaker, now: clock.now });
      await dispatcher.drain();
      const [row] = await rig.storage.outbox.list({ status: 'pending', limit: 10 });
      assert.equal(row?.lastError, 'timeout');
      const url = new URL(receiver.url);
      await receiver.goAway();
      clock.advance(120_000);
      await dispatcher.drain();
      const [refused] = await rig.storage.outbox.list({ status: 'pending', limit: 10 });
      assert.match(refused?.lastError ?? '', /^network: /);
      receiver = await startActionReceiver(actionSecret, Number(url.port));
      clock.advance(120_000);
      await dispatcher.drain();
      assert.equal(receiver.effective.size, 1);
      const attempts = await rig.storage.outbox.attempts(row?.id ?? 0);
      assert.deepEqual(
        attempts.map((attempt) => attempt.httpStatus),
        [null, null, 200],
      );
    });

    test('the circuit breaker opens after consecutive failures, then one probe closes it', async () => {
      await open({ concurrency: 1 });
      receiver.setMode({ kind: 'fail' });
      for (const n of [1, 2, 3]) {
        await rig.engine.ingest([privateSession(`evt-b${n}`, `host-b${n}`, `stream-b${n}`)], { wait: true });
      }
      const clock = testClock();
      const dispatcher = rig.dispatcher({ breaker: { threshold: 2, cooldownMs: 60_000 }, now: clock.now });
      await dispatcher.drain();
      assert.equal(receiver.requests.length, 2, 'two failures open the breaker; the third row is not tried');
      assert.equal(dispatcher.breakerState('platform'), 'open');
      clock.advance(30_000);
      assert.deepEqual(await dispatcher.drain(), { attempted: 0, delivered: 0, failed: 0 });
      receiver.setMode({ kind: 'ok' });
      clock.advance(40_000);
      assert.equal(dispatcher.breakerState('platform'), 'half_open');
      const first = await dispatcher.runOnce();
      assert.equal(first.attempted, 1, 'half-open lets exactly one probe through');
      assert.equal(dispatcher.breakerState('platform'), 'closed');
      await dispatcher.drain();
      assert.equal(receiver.effective.size, 3);
    });

    test('no more requests are in flight to an endpoint than its concurrency', async () => {
      await open({ concurrency: 2 });
      receiver.setMode({ kind: 'slow', delayMs: 50 });
      const events = [1, 2, 3, 4, 5].map((n) => privateSession(`evt-c${n}`, `host-c${n}`, `stream-c${n}`));
      await rig.engine.ingest(events, { wait: true });
      await rig.dispatcher({ breaker: noBreaker }).drain();
      assert.equal(receiver.effective.size, 5);
      assert.ok(receiver.maxInFlight() <= 2, `at most 2 in flight, saw ${receiver.maxInFlight()}`);
    });
  });
