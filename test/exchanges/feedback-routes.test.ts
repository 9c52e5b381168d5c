import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Services } from '../../src/app/index.js';
import { createApiKey } from '../../src/auth/index.js';
import { examplePolicy } from '../support/engine-harness.js';
import { testCredentialRing } from '../support/exchange-servers.js';
import { listUpstream, type NcmecContractServer, startNcmecContractServer } from '../support/ncmec-contract-server.js';
import { startTestServer } from '../support/server-harness.js';
import {
  type StopnciiContractServer,
  startStopnciiContractServer,
  stopnciiTestKeys,
} from '../support/stopncii-contract-server.js';

/** Ingests the `media.matched` event `/v1/match` would send for these matches; returns the case id. */
async function matchedCase(
  services: Services,
  user: string,
  matches: { bank: string; contentId: number; signalType: string }[],
): Promise<number> {
  const [result] = (await services.engine?.engine.ingest(
    [
      {
        id: `feedback-routes-${user}`,
        type: 'media.matched',
        time: new Date().toISOString(),
        entities: { user },
        data: { matches: matches.map((match) => ({ ...match, distance: 0 })), signals: { md5: 'x' }, source: 'api' },
      },
    ],
    { wait: true },
  )) ?? [undefined];
  assert.equal(result?.status, 'accepted', JSON.stringify(result));
  const [found] = await services.storage.engine.cases.list({ subject: `user:${user}` });
  assert.ok(found);
  return found.id;
}

describe('/v1/cases/{id}/exchange-feedback: where feedback stands per match, and an explicit verdict', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let ncmec: NcmecContractServer;
  let stopncii: StopnciiContractServer;
  let writer: string;
  let reader: string;
  let caseId: number;
  let ncmecItem: number;
  let fileItem: number;
  let stopnciiItem: number;
  let stopnciiCase: number;

  before(async () => {
    const nowSeconds = Math.floor(Date.now() / 1000);
    ncmec = await startNcmecContractServer({
      reasons: [
        { guid: '0f0f0f0f-0000-4000-8000-000000000001', name: 'Synthetic reason one' },
        { guid: '0a1b2c3d-0000-4000-8000-00000000000a', name: 'Synthetic reason two' },
      ],
      upstream: listUpstream(() => [
        { member: 101, id: 'r1', type: 'image', timestamp: nowSeconds - 600, md5: '12'.repeat(16) },
      ]),
    });
    server = await startTestServer({ policyDir: examplePolicy, exchangeKeys: testCredentialRing });
    const { services } = server;
    await services.exchanges.add({ name: 'NCMEC_API', kind: 'ncmec', config: { environment: ncmec.url } });
    await services.exchanges.setCredentials({ kind: 'ncmec' }, { user: 'test-user', password: 'test-password' });
    await services.exchanges.fetch('NCMEC_API');
    const path = join(server.dataDir, 'list.txt');
    await writeFile(path, `md5 ${'34'.repeat(16)}\n`);
    await services.exchanges.add({ name: 'FILE_API', kind: 'file', config: { path } });
    await services.exchanges.fetch('FILE_API');
    ncmecItem = (await services.banks.listContent('NCMEC_API', { limit: 1 }))[0]?.id ?? -1;
    fileItem = (await services.banks.listContent('FILE_API', { limit: 1 }))[0]?.id ?? -1;
    await services.banks.createBank({ name: 'PLAIN' });
    const plain = await services.banks.addContent('PLAIN', { signals: { md5: '56'.repeat(16) } });
    caseId = await matchedCase(services, 'routes-user-1', [
      { bank: 'NCMEC_API', contentId: ncmecItem, signalType: 'md5' },
      { bank: 'FILE_API', contentId: fileItem, signalType: 'md5' },
      { bank: 'PLAIN', contentId: plain.id, signalType: 'md5' },
    ]);
    stopncii = await startStopnciiContractServer({
      records: () => [
        {
          lastModtimestamp: nowSeconds - 100,
          signalType: 'ImagePDQ',
          hashValue: 'ab'.repeat(32),
          hashStatus: 'Active',
        },
      ],
    });
    await services.exchanges.add({ name: 'STOPNCII_API', kind: 'stop_ncii', config: { base_url: stopncii.url } });
    await services.exchanges.setCredentials(
      { exchange: 'STOPNCII_API' },
      { subscription_key: stopnciiTestKeys.subscriptionKey, fetch_function_key: stopnciiTestKeys.fetchFunctionKey },
    );
    await services.exchanges.fetch('STOPNCII_API');
    stopnciiItem = (await services.banks.listContent('STOPNCII_API', { limit: 1 }))[0]?.id ?? -1;
    stopnciiCase = await matchedCase(services, 'routes-user-2', [
      { bank: 'STOPNCII_API', contentId: stopnciiItem, signalType: 'pdq' },
    ]);
    writer = (await createApiKey(services.storage.apiKeys, 'writer', ['read', 'write'])).secret;
    reader = (await createApiKey(services.storage.apiKeys, 'reader', ['read'])).secret;
  });
  after(async () => {
    await server?.close();
    await ncmec?.close();
    await stopncii?.close();
  });

  const get = (id: number | string, key = reader) =>
    server.app.inject({
      method: 'GET',
      url: `/v1/cases/${id}/exchange-feedback`,
      headers: { authorization: `Bearer ${key}` },
    });
  const post = (id: number | string, body: unknown, key = writer) =>
    server.app.inject({
      method: 'POST',
      url: `/v1/cases/${id}/exchange-feedback`,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });

  test('each exchange match with its state; a kind that takes no feedback is unsupported; other banks are left out', async () => {
    const response = await get(caseId);
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(
      response
        .json()
        .feedback.map((item: { exchange: string; state: string; key: string }) => [item.exchange, item.state]),
      [
        ['NCMEC_API', 'none'],
        ['FILE_API', 'unsupported'],
      ],
    );
  });

  test('a false positive: queued, sent by the job with its NCMEC reason, then sent; asking again stores nothing', async () => {
    const guid = '0a1b2c3d-0000-4000-8000-00000000000a';
    const given = await post(caseId, {
      exchange: 'NCMEC_API',
      contentId: ncmecItem,
      verdict: 'false_positive',
      upstreamReason: guid,
      reason: 'synthetic route test',
    });
    assert.equal(given.statusCode, 200, given.body);
    assert.equal(given.json().queued, true);
    assert.equal(given.json().feedback.state, 'queued');
    assert.equal(given.json().feedback.actor, 'key:writer');
    const again = await post(caseId, {
      exchange: 'NCMEC_API',
      contentId: ncmecItem,
      verdict: 'false_positive',
      reason: 'clicked twice',
    });
    assert.equal(again.json().queued, false);
    const tick = await server.services.exchanges.feedbackTick();
    assert.equal(tick.sent, 1, JSON.stringify(tick));
    assert.equal(ncmec.feedback.length, 1);
    assert.ok(String(ncmec.feedback[0]?.body).includes(guid), 'the upstream reason went to NCMEC');
    const after = (await get(caseId)).json().feedback[0];
    assert.deepEqual([after.state, after.verdict, after.requests], ['sent', 'false_positive', 1]);
    // Dismissing the case afterwards gives no second false positive on that item.
    await server.services.cases.update(caseId, { decision: 'dismissed' }, { actor: 'api:writer', reason: 'synthetic' });
    const decided = await server.services.exchanges.feedbackTick();
    assert.deepEqual([decided.decisions, decided.queued, decided.sent], [1, 0, 0], JSON.stringify(decided));
    assert.equal(ncmec.feedback.length, 1);
    const audited = (await server.services.audit.entries(0, 1000)).filter(
      (entry) => entry.action === 'exchange.feedback_requested',
    );
    assert.deepEqual(
      audited.map((entry) => [entry.actor, entry.reason, (entry.detail as { queued: boolean }).queued]),
      [
        ['key:writer', 'synthetic route test', true],
        ['key:writer', 'clicked twice', false],
      ],
    );
  });

  test('hostile input: coded errors, nothing stored', async () => {
    const base = { exchange: 'NCMEC_API', contentId: ncmecItem, verdict: 'true_positive', reason: 'synthetic' };
    const cases: [string, number | string, unknown, number, string][] = [
      ['unknown exchange', caseId, { ...base, exchange: 'NOPE' }, 404, 'EXCHANGE_NOT_FOUND'],
      [
        'a kind without feedback',
        caseId,
        { ...base, exchange: 'FILE_API', contentId: fileItem },
        400,
        'EXCHANGE_FEEDBACK_UNSUPPORTED',
      ],
      ['a bank that is no exchange', caseId, { ...base, exchange: 'PLAIN' }, 404, 'EXCHANGE_NOT_FOUND'],
      ['an item the case did not match', caseId, { ...base, contentId: fileItem }, 404, 'CONTENT_NOT_FOUND'],
      ['an unknown case', 999_999, base, 404, 'CASE_NOT_FOUND'],
      ['a case id that is no number', 'abc', base, 400, 'REQUEST_INVALID'],
      ['an absurd case id', '1e400', base, 400, 'REQUEST_INVALID'],
      ['a negative content id', caseId, { ...base, contentId: -4 }, 400, 'REQUEST_INVALID'],
      ['a content id as text', caseId, { ...base, contentId: String(ncmecItem) }, 400, 'REQUEST_INVALID'],
      ['an unknown verdict', caseId, { ...base, verdict: 'maybe' }, 400, 'REQUEST_INVALID'],
      ['an extra field', caseId, { ...base, surprise: 1 }, 400, 'REQUEST_INVALID'],
      ['no reason', caseId, { ...base, reason: undefined }, 400, 'REASON_REQUIRED'],
      ['a blank reason', caseId, { ...base, reason: ' \t' }, 400, 'REASON_REQUIRED'],
      ['a huge reason', caseId, { ...base, reason: 'x'.repeat(100_000) }, 400, 'REASON_REQUIRED'],
      ['a NUL in the reason', caseId, { ...base, reason: 'a\u0000b' }, 400, 'REASON_REQUIRED'],
      ['a lone surrogate in the reason', caseId, { ...base, reason: 'a\ud800b' }, 400, 'REASON_REQUIRED'],
      ['a NUL in the upstream reason', caseId, { ...base, upstreamReason: 'a\u0000b' }, 400, 'REQUEST_INVALID'],
      ['a huge upstream reason', caseId, { ...base, upstreamReason: 'y'.repeat(5000) }, 400, 'REQUEST_INVALID'],
      ['a huge exchange name', caseId, { ...base, exchange: 'E'.repeat(10_000) }, 400, 'REQUEST_INVALID'],
      ['an odd unicode exchange name', caseId, { ...base, exchange: 'N\u202eCMEC' }, 404, 'EXCHANGE_NOT_FOUND'],
      ['a signal type the match lacks', caseId, { ...base, signalType: 'pdq' }, 404, 'CONTENT_NOT_FOUND'],
    ];
    const before = (await get(caseId)).json();
    for (const [what, id, body, status, code] of cases) {
      const response = await post(id, body);
      assert.equal(response.statusCode, status, `${what}: ${response.body}`);
      assert.equal(response.json().error?.code, code, what);
    }
    const notJson = await server.app.inject({
      method: 'POST',
      url: `/v1/cases/${caseId}/exchange-feedback`,
      headers: { authorization: `Bearer ${writer}`, 'content-type': 'application/json' },
      payload: '{"exchange":',
    });
    assert.equal(notJson.statusCode, 400);
    assert.deepEqual((await get(caseId)).json(), before, 'nothing was stored');
    assert.equal((await get('0')).json().error?.code, 'REQUEST_INVALID');
    assert.equal((await get(999_999)).json().error?.code, 'CASE_NOT_FOUND');
  });

  test('StopNCII without its feedback key: the request fails for good and the match shows unsupported', async () => {
    const given = await post(stopnciiCase, {
      exchange: 'STOPNCII_API',
      contentId: stopnciiItem,
      verdict: 'true_positive',
      reason: 'synthetic route test',
    });
    assert.equal(given.statusCode, 200, given.body);
    assert.equal(given.json().feedback.state, 'queued');
    const tick = await server.services.exchanges.feedbackTick();
    assert.equal(tick.failed, 1, JSON.stringify(tick));
    const [entry] = (await get(stopnciiCase)).json().feedback;
    assert.deepEqual([entry.state, entry.errorCode], ['unsupported', 'EXCHANGE_FEEDBACK_UNSUPPORTED']);
    assert.deepEqual(stopncii.feedback, [], 'nothing reached StopNCII');
  });

  test('scopes: reading needs read, giving needs write', async () => {
    assert.equal((await get(caseId, 'not-a-key')).statusCode, 401);
    const denied = await post(
      caseId,
      { exchange: 'NCMEC_API', contentId: ncmecItem, verdict: 'true_positive', reason: 'synthetic' },
      reader,
    );
    assert.equal(denied.statusCode, 403, denied.body);
  });
});
