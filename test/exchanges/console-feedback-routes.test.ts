import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ConsoleSession, signInAs } from '../support/console-session.js';
import { examplePolicy } from '../support/engine-harness.js';
import { testCredentialRing } from '../support/exchange-servers.js';
import { listUpstream, type NcmecContractServer, startNcmecContractServer } from '../support/ncmec-contract-server.js';
import { startTestServer } from '../support/server-harness.js';

describe('/console/api/cases/{id}/exchange-feedback: the case page’s feedback panel', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let ncmec: NcmecContractServer;
  let caseId: number;
  let item: number;
  let reviewer: ConsoleSession;
  let auditor: ConsoleSession;

  before(async () => {
    const nowSeconds = Math.floor(Date.now() / 1000);
    ncmec = await startNcmecContractServer({
      upstream: listUpstream(() => [
        { member: 101, id: 'p1', type: 'image', timestamp: nowSeconds - 600, md5: 'bc'.repeat(16) },
      ]),
    });
    server = await startTestServer({ policyDir: examplePolicy, exchangeKeys: testCredentialRing });
    const { services, app } = server;
    await services.exchanges.add({ name: 'NCMEC_PANEL', kind: 'ncmec', config: { environment: ncmec.url } });
    await services.exchanges.setCredentials({ kind: 'ncmec' }, { user: 'test-user', password: 'test-password' });
    await services.exchanges.fetch('NCMEC_PANEL');
    item = (await services.banks.listContent('NCMEC_PANEL', { limit: 1 }))[0]?.id ?? -1;
    const [result] = (await services.engine?.engine.ingest(
      [
        {
          id: 'console-panel-1',
          type: 'media.matched',
          time: new Date().toISOString(),
          entities: { user: 'u-panel' },
          data: {
            matches: [{ bank: 'NCMEC_PANEL', contentId: item, signalType: 'md5', distance: 0 }],
            signals: { md5: 'bc'.repeat(16) },
            source: 'api',
          },
        },
      ],
      { wait: true },
    )) ?? [undefined];
    assert.equal(result?.status, 'accepted');
    const [found] = await services.storage.engine.cases.list({ subject: 'user:u-panel' });
    assert.ok(found);
    caseId = found.id;
    reviewer = await signInAs(app, services.people, 'rev.panel', ['child_safety_reviewer'], { childSafetyOptIn: true });
    auditor = await signInAs(app, services.people, 'aud.panel', ['auditor']);
  });
  after(async () => {
    await server?.close();
    await ncmec?.close();
  });

  const post = (body: unknown, headers: object = reviewer.headers, id: number | string = caseId) =>
    server.app.inject({
      method: 'POST',
      url: `/console/api/cases/${id}/exchange-feedback`,
      headers: { ...headers, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });

  test('a reviewer sees the match and gives a false positive; the audit names the person and the reason', async () => {
    const listed = await server.app.inject({
      method: 'GET',
      url: `/console/api/cases/${caseId}/exchange-feedback`,
      headers: reviewer.headers,
    });
    assert.equal(listed.statusCode, 200, listed.body);
    assert.deepEqual(
      listed.json().feedback.map((entry: { exchange: string; state: string }) => [entry.exchange, entry.state]),
      [['NCMEC_PANEL', 'none']],
    );
    const given = await post({
      exchange: 'NCMEC_PANEL',
      contentId: item,
      signalType: 'md5',
      verdict: 'false_positive',
      reason: 'synthetic panel test',
    });
    assert.equal(given.statusCode, 200, given.body);
    assert.deepEqual([given.json().feedback.state, given.json().feedback.actor], ['queued', 'person:rev.panel']);
    const audited = (await server.services.audit.entries(0, 1000)).filter(
      (entry) => entry.action === 'exchange.feedback_requested',
    );
    assert.deepEqual(
      audited.map((entry) => [entry.actor, entry.reason]),
      [['person:rev.panel', 'synthetic panel test']],
    );
  });

  test('refusals: no session, no cases.review, no CSRF token, hostile bodies; nothing stored', async () => {
    const body = { exchange: 'NCMEC_PANEL', contentId: item, verdict: 'true_positive', reason: 'synthetic' };
    assert.equal((await post(body, {})).statusCode, 401);
    assert.equal((await post(body, auditor.headers)).json().error?.code, 'AUTH_FORBIDDEN');
    assert.equal((await post(body, { cookie: reviewer.headers.cookie })).statusCode, 403);
    const refusals: [string, unknown, string][] = [
      ['no reason', { ...body, reason: undefined }, 'REASON_REQUIRED'],
      ['a NUL reason', { ...body, reason: '\u0000' }, 'REASON_REQUIRED'],
      ['a huge reason', { ...body, reason: 'z'.repeat(50_000) }, 'REASON_REQUIRED'],
      ['a reason that is no text', { ...body, reason: ['x'] }, 'REASON_REQUIRED'],
      ['an unknown exchange', { ...body, exchange: 'GHOST' }, 'EXCHANGE_NOT_FOUND'],
      ['an absurd content id', { ...body, contentId: 1e300 }, 'REQUEST_INVALID'],
      ['a fractional content id', { ...body, contentId: 1.5 }, 'REQUEST_INVALID'],
      ['an unknown verdict', { ...body, verdict: 'TRUE_POSITIVE' }, 'REQUEST_INVALID'],
      ['a NUL upstream reason', { ...body, upstreamReason: '\u0000' }, 'REQUEST_INVALID'],
    ];
    for (const [what, payload, code] of refusals) {
      const response = await post(payload);
      assert.equal(response.json().error?.code, code, `${what}: ${response.body}`);
    }
    assert.equal((await post(body, reviewer.headers, 'x')).json().error?.code, 'REQUEST_INVALID');
    assert.equal((await post(body, reviewer.headers, 424242)).json().error?.code, 'CASE_NOT_FOUND');
    const after = await server.services.exchanges.caseFeedback(caseId);
    assert.deepEqual(
      after.map((entry) => [entry.state, entry.verdict, entry.requests]),
      [['queued', 'false_positive', 1]],
      'only the first test’s request is stored',
    );
  });
});
