/**
 * Case data is never read without a reason and an audit entry: the case list, a case, and an
 * entity's page (its case and two hops of links), over HTTP; blank or non-text reasons are refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiKey } from '../../src/auth/index.js';
import { examplePolicy, syntheticEvent } from '../support/engine-harness.js';
import { startTestServer } from '../support/server-harness.js';

describe('case data read without an audit entry', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let reader: string;
  let writer: string;
  before(async () => {
    server = await startTestServer({ policyDir: examplePolicy });
    reader = (await createApiKey(server.services.storage.apiKeys, 'reviewer', ['read'])).secret;
    writer = (await createApiKey(server.services.storage.apiKeys, 'analyst', ['write'])).secret;
    await server.services.engine?.engine.ingest(
      [
        syntheticEvent(
          'media.matched',
          { user: 'audited' },
          { matches: [{ bank: 'B', contentId: 1, signalType: 'pdq', distance: 2 }] },
          '2026-11-05T10:00:00Z',
          'audited-1',
        ),
      ],
      { wait: true },
    );
  });
  after(() => server.close());

  const get = (url: string) =>
    server.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${reader}` } });
  const auditEntries = async () => {
    const entries = [];
    for (let seq = 0; ; seq += 1000) {
      const page = await server.services.storage.engine.audit.page(seq, 1000);
      if (page.length === 0) return entries;
      entries.push(...page);
    }
  };

  test('GET /v1/cases and GET /v1/entities/{type}/{id} need a non-blank reason and are audited', async () => {
    const routes = ['/v1/cases', '/v1/entities/user/audited'];
    for (const route of routes) {
      for (const query of ['', '?reason=', '?reason=%20%20%20', '?reason=%09']) {
        const response = await get(`${route}${query}`);
        assert.equal(response.statusCode, 400, `${route}${query}: ${response.body}`);
        assert.equal(response.json().error.code, 'REASON_REQUIRED');
      }
    }
    assert.deepEqual(await auditEntries(), [], 'a refused read leaves no entry and returns no data');

    const list = await get('/v1/cases?reason=weekly%20triage');
    assert.equal(list.statusCode, 200, list.body);
    assert.equal(list.json().cases[0].subject, 'user:audited');
    const entity = await get('/v1/entities/user/audited?reason=hotline%20report');
    assert.equal(entity.statusCode, 200, entity.body);
    assert.equal(entity.json().case.subject, 'user:audited');

    const entries = await auditEntries();
    assert.deepEqual(
      entries.map((entry) => [entry.action, entry.subject, entry.reason]),
      [
        ['case.list', 'cases', 'weekly triage'],
        ['entity.view', 'user:audited', 'hotline report'],
      ],
    );
    assert.match(String(entries[0]?.actor ?? ''), /reviewer/, 'the key that read is named');
    assert.deepEqual((JSON.parse(String(entries[0]?.detailJson)) as { ids?: number[] } | null)?.ids, [
      list.json().cases[0].id,
    ]);
  });

  test('a case change with a blank reason, or a lifecycle move that is not allowed, is refused with a code', async () => {
    const [item] = (await get('/v1/cases?reason=find%20it')).json().cases;
    const patch = (payload: unknown) =>
      server.app.inject({
        method: 'PATCH',
        url: `/v1/cases/${item.id}`,
        headers: { authorization: `Bearer ${writer}` },
        payload: payload as Record<string, unknown>,
      });
    for (const reason of ['   ', '', 123, true]) {
      const response = await patch({ status: 'in_review', reason });
      assert.equal(response.statusCode, 400, `reason ${JSON.stringify(reason)}: ${response.body}`);
    }
    const decidedWithout = await patch({ status: 'decided', reason: 'no decision given' });
    assert.equal(decidedWithout.statusCode, 409);
    assert.equal(decidedWithout.json().error.code, 'CASE_TRANSITION_INVALID');
    assert.equal((await patch({ status: 'closed', reason: 'duplicate' })).statusCode, 200);
    const reopened = await patch({ status: 'open', reason: 'try to reopen' });
    assert.equal(reopened.json().error.code, 'CASE_TRANSITION_INVALID');
    const held = await patch({ legalHold: true, reason: 'preservation order' });
    assert.equal(held.statusCode, 200, held.body);
    assert.deepEqual(held.json().case.legalHold.reason, 'preservation order');
  });
});
