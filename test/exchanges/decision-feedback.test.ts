import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createServices, type Services } from '../../src/app/index.js';
import type { Person } from '../../src/people/index.js';
import { caseBackends } from '../support/case-backends.js';
import { examplePolicy } from '../support/engine-harness.js';
import { fakePdq } from '../support/exchange-rig.js';
import { testCredentialRing } from '../support/exchange-servers.js';
import { listUpstream, startNcmecContractServer } from '../support/ncmec-contract-server.js';
import { postgresUrl } from '../support/postgres.js';

/** A synthetic reviewer (plainly fake login). */
const reviewer: Person = {
  id: 1,
  login: 'rev.test',
  displayName: 'Test Reviewer',
  roles: ['payments_analyst', 'child_safety_reviewer'],
  childSafetyOptInAt: '2026-01-01T00:00:00.000Z',
  disabled: false,
  createdAt: '2026-01-01T00:00:00.000Z',
};

const cleanups: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

/** Ingests the `media.matched` event `/v1/match` would send for a match of `contentId`; returns the case id. */
async function matchedCase(services: Services, user: string, bank: string, contentId: number): Promise<number> {
  const [result] = (await services.engine?.engine.ingest(
    [
      {
        id: `feedback-test-${user}`,
        type: 'media.matched',
        time: new Date().toISOString(),
        entities: { user },
        data: { matches: [{ bank, contentId, signalType: 'md5', distance: 0 }], signals: { md5: 'x' }, source: 'api' },
      },
    ],
    { wait: true },
  )) ?? [undefined];
  assert.equal(result?.status, 'accepted', JSON.stringify(result));
  const [found] = await services.storage.engine.cases.list({ subject: `user:${user}` });
  assert.ok(found, `a case for user:${user}`);
  return found.id;
}

const backends = await caseBackends();
after(async () => {
  for (const backend of backends) await backend.cleanup();
});

for (const backend of backends)
  test(`a decision on a case matched from an NCMEC bank is read by the feedback job and sent upstream once; it never blocks the decision (${backend.name})`, {
    skip: backend.skip,
  }, async () => {
    const nowSeconds = Math.floor(Date.now() / 1000);
    const server = await startNcmecContractServer({
      upstream: listUpstream(() => [
        { member: 101, id: 'e7', type: 'image', timestamp: nowSeconds - 600, md5: 'ab'.repeat(16), pdq: fakePdq(7) },
        { member: 101, id: 'e8', type: 'image', timestamp: nowSeconds - 500, md5: 'cd'.repeat(16) },
      ]),
    });
    let serverOpen = true;
    cleanups.push(() => (serverOpen ? server.close() : Promise.resolve()));
    const dataDir = await mkdtemp(join(tmpdir(), 'prevail-decision-feedback-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const place = await backend.place();
    const where =
      backend.name === 'PostgreSQL' ? { dataDir, databaseUrl: postgresUrl, schema: place } : { dataDir: place };
    const services = await createServices(
      { ...where, policyDir: examplePolicy },
      { withEngine: true, exchanges: { evidenceKeys: testCredentialRing } },
    );
    cleanups.push(() => services.close());
    const review = services.review;
    assert.ok(review);

    await services.exchanges.add({ name: 'NCMEC_FB', kind: 'ncmec', config: { environment: server.url } });
    await services.exchanges.setCredentials({ kind: 'ncmec' }, { user: 'test-user', password: 'test-password' });
    assert.equal((await services.exchanges.fetch('NCMEC_FB')).upserts, 2);
    const items = await services.banks.listContent('NCMEC_FB', { limit: 10 });
    const idOf = (key: string) => items.find((item) => item.upstream?.key === key)?.id ?? -1;

    // Confirm: nothing is sent or queued inside the decision; the job reads the committed decision
    // and sends NCMEC's affirmative vote on the MD5.
    const first = await matchedCase(services, 'fb-user-1', 'NCMEC_FB', idOf('101-e7'));
    const decided = await review.decide(first, reviewer, { action: 'confirm', reason: 'synthetic test' });
    assert.equal(decided.decision, 'confirmed');
    assert.equal(server.feedback.length, 0, 'nothing is sent inside the decision');
    assert.deepEqual(await services.exchanges.feedbackTick(), {
      decisions: 1,
      queued: 1,
      sent: 1,
      failed: 0,
      retrying: 0,
    });
    assert.equal(server.feedback.length, 1);
    assert.match(String(server.feedback[0]?.path), /\/v2\/entries\/101\/e7\/MD5\/feedback$/);
    assert.match(String(server.feedback[0]?.body), /<affirmative\/>/);
    assert.deepEqual(
      await services.exchanges.feedbackTick(),
      { decisions: 0, queued: 0, sent: 0, failed: 0, retrying: 0 },
      'sent once',
    );
    assert.deepEqual(
      (await services.exchanges.caseFeedback(first)).map((item) => [item.exchange, item.key, item.state, item.verdict]),
      [['NCMEC_FB', '101-e7', 'sent', 'true_positive']],
    );

    // Confirming again (the same decision) gives no second vote.
    await services.cases.update(first, { decision: 'confirmed' }, { actor: 'api:test-key', reason: 'again' });
    assert.deepEqual(await services.exchanges.feedbackTick(), {
      decisions: 1,
      queued: 0,
      sent: 0,
      failed: 0,
      retrying: 0,
    });
    assert.equal(server.feedback.length, 1);

    // A decision through the API's case change (PATCH /v1/cases/{id}) is reported the same way.
    const viaApi = await matchedCase(services, 'fb-user-3', 'NCMEC_FB', idOf('101-e8'));
    await services.cases.update(viaApi, { decision: 'dismissed' }, { actor: 'api:test-key', reason: 'not it' });
    assert.deepEqual(await services.exchanges.feedbackTick(), {
      decisions: 1,
      queued: 1,
      sent: 1,
      failed: 0,
      retrying: 0,
    });
    assert.match(String(server.feedback[1]?.path), /\/v2\/entries\/101\/e8\/MD5\/feedback$/);
    assert.match(String(server.feedback[1]?.body), /<negative><reasonIds><guid>/);

    // The exchange is down: the decision still succeeds; the job keeps the request for a retry.
    await server.close();
    serverOpen = false;
    const second = await matchedCase(services, 'fb-user-2', 'NCMEC_FB', idOf('101-e8'));
    await review.decide(second, reviewer, { action: 'confirm', reason: 'synthetic test' });
    assert.deepEqual(await services.exchanges.feedbackTick(), {
      decisions: 1,
      queued: 1,
      sent: 0,
      failed: 0,
      retrying: 1,
    });
    assert.deepEqual(
      await services.exchanges.feedbackTick(),
      { decisions: 0, queued: 0, sent: 0, failed: 0, retrying: 0 },
      'not before its backoff',
    );
    assert.equal((await services.exchanges.caseFeedback(second))[0]?.state, 'queued');

    const audited = (await services.audit.entries(0, 1000)).filter((entry) => entry.action === 'exchange.feedback');
    assert.deepEqual(
      audited.map((entry) => [entry.subject, entry.actor, (entry.detail as { outcome: string }).outcome]),
      [
        ['exchange:NCMEC_FB', 'person:rev.test', 'sent'],
        ['exchange:NCMEC_FB', 'api:test-key', 'sent'],
        ['exchange:NCMEC_FB', 'person:rev.test', 'EXCHANGE_UNAVAILABLE'],
      ],
    );
    assert.ok(!JSON.stringify(audited).includes('test-password'));
  });

for (const backend of backends)
  test(`a decision stored with a time before the job's cursor (a late commit) is still read, once, within the hour (${backend.name})`, {
    skip: backend.skip,
  }, async () => {
    const nowSeconds = Math.floor(Date.now() / 1000);
    const server = await startNcmecContractServer({
      upstream: listUpstream(() => [
        { member: 101, id: 'l1', type: 'image', timestamp: nowSeconds - 600, md5: '1f'.repeat(16) },
      ]),
    });
    cleanups.push(() => server.close());
    const dataDir = await mkdtemp(join(tmpdir(), 'prevail-decision-late-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const place = await backend.place();
    const where =
      backend.name === 'PostgreSQL' ? { dataDir, databaseUrl: postgresUrl, schema: place } : { dataDir: place };
    const services = await createServices(
      { ...where, policyDir: examplePolicy },
      { withEngine: true, exchanges: { evidenceKeys: testCredentialRing } },
    );
    cleanups.push(() => services.close());
    await services.exchanges.add({ name: 'NCMEC_LATE', kind: 'ncmec', config: { environment: server.url } });
    await services.exchanges.setCredentials({ kind: 'ncmec' }, { user: 'test-user', password: 'test-password' });
    await services.exchanges.fetch('NCMEC_LATE');
    const [item] = await services.banks.listContent('NCMEC_LATE', { limit: 1 });
    assert.ok(item);

    // A decision now moves the cursor to now.
    const current = await matchedCase(services, 'late-user-0', 'NCMEC_LATE', item.id);
    await services.cases.update(current, { decision: 'confirmed' }, { actor: 'api:test-key', reason: 'now' });
    assert.equal((await services.exchanges.feedbackTick()).queued, 1);

    // Two decisions committed after it, stored with earlier times: 30 minutes (read) and 3 hours
    // (beyond the hour the job reads back: the documented limit) before.
    const stored = services.storage.engine.cases;
    const late = async (user: string, minutesAgo: number) => {
      const caseId = await matchedCase(services, user, 'NCMEC_LATE', item.id);
      const time = new Date(Date.now() - minutesAgo * 60_000).toISOString();
      const updated = await stored.update(
        caseId,
        { decision: 'dismissed' },
        {
          kind: 'decision',
          ref: `change:${time}:api:late`,
          time,
          summary: 'a late commit (synthetic)',
          detail: { decision: 'dismissed', actor: 'api:late', reason: 'synthetic' },
        },
      );
      assert.ok(updated);
      return caseId;
    };
    const within = await late('late-user-1', 30);
    const beyond = await late('late-user-2', 180);
    const tick = await services.exchanges.feedbackTick();
    assert.deepEqual([tick.decisions, tick.queued, tick.sent], [1, 1, 1], JSON.stringify(tick));
    assert.equal((await services.exchanges.caseFeedback(within))[0]?.state, 'sent');
    assert.equal((await services.exchanges.caseFeedback(beyond))[0]?.state, 'none');
    assert.deepEqual((await services.exchanges.feedbackTick()).decisions, 0, 'read once');
    assert.equal(server.feedback.length, 2);
  });
