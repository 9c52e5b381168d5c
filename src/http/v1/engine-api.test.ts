import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { examplePolicy, syntheticEvent } from '../../../test/support/engine-harness.js';
import { startTestServer } from '../../../test/support/server-harness.js';
import { createApiKey } from '../../auth/index.js';

describe('/v1 signals engine API', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let writer: string;
  let reader: string;
  before(async () => {
    server = await startTestServer({ policyDir: examplePolicy });
    writer = (await createApiKey(server.services.storage.apiKeys, 'analyst', ['write'])).secret;
    reader = (await createApiKey(server.services.storage.apiKeys, 'reviewer', ['read'])).secret;
  });
  after(() => server.close());
  const auth = (secret: string) => ({ authorization: `Bearer ${secret}` });

  test('POST /v1/events?wait=verdict answers with the verdict; a batch reports each event', async () => {
    const match = syntheticEvent(
      'media.matched',
      { user: 'u-http' },
      { matches: [{ bank: 'B', contentId: 1, signalType: 'pdq', distance: 2 }] },
      '2026-11-05T10:00:00Z',
      'http-1',
    );
    const response = await server.app.inject({
      method: 'POST',
      url: '/v1/events?wait=verdict',
      headers: auth(writer),
      payload: match,
    });
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json();
    assert.equal(body.accepted, 1);
    assert.equal(body.results[0].verdict.verdict, 'block');
    const batch = await server.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: auth(writer),
      payload: [match, { id: 'bad', type: 'payment.sent', time: 'now', entities: {}, data: {} }],
    });
    const batchBody = batch.json();
    assert.deepEqual([batchBody.accepted, batchBody.duplicates, batchBody.rejected], [0, 1, 1]);
    assert.ok(batchBody.results[1].problems.some((problem: { path: string }) => problem.path === 'time'));
    const readOnly = await server.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: auth(reader),
      payload: match,
    });
    assert.equal(readOnly.statusCode, 403);
  });

  test('entities: labels set by a person are seen by rules; links are walked two hops', async () => {
    const labelled = await server.app.inject({
      method: 'POST',
      url: '/v1/entities/user/u-person/labels',
      headers: auth(writer),
      payload: { label: 'payment_watch', action: 'add', reason: 'report from a partner hotline' },
    });
    assert.deepEqual(labelled.json().labels, ['payment_watch']);
    const session = await server.app.inject({
      method: 'POST',
      url: '/v1/events?wait=verdict',
      headers: auth(writer),
      payload: syntheticEvent(
        'session.started',
        { user: 'u-person', stream: 's-p', device: 'd-1' },
        { kind: 'call', visibility: 'private' },
        '2026-11-05T12:00:00Z',
      ),
    });
    assert.equal(
      session.json().results[0].verdict.verdict,
      'review',
      'the private_session_with_watch_label rule saw the label',
    );
    await server.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: auth(writer),
      payload: syntheticEvent(
        'session.started',
        { user: 'u-other', stream: 's-q', device: 'd-1' },
        { kind: 'call', visibility: 'public' },
        '2026-11-05T12:05:00Z',
      ),
    });
    await server.services.engine?.engine.drain();
    const entity = await server.app.inject({
      method: 'GET',
      url: '/v1/entities/user/u-person?reason=hotline%20follow-up',
      headers: auth(reader),
    });
    assert.equal(entity.statusCode, 200, entity.body);
    const body = entity.json();
    assert.deepEqual(body.labels, ['payment_watch']);
    assert.ok(body.links.some((link: { to: string }) => link.to === 'device:d-1'));
    assert.ok(
      body.secondHop.some((link: { from: string }) => link.from === 'user:u-other'),
      'another user of the same device, two hops out',
    );
    assert.equal(body.features.user_first_seen, Date.parse('2026-11-05T12:00:00Z'));
  });

  test('adding an undeclared label is a coded 400 (LABEL_UNKNOWN), not a 500', async () => {
    for (const action of ['add', 'remove']) {
      const unknown = await server.app.inject({
        method: 'POST',
        url: '/v1/entities/user/u-typo/labels',
        headers: auth(writer),
        payload: { label: 'not_declared', action, reason: 'a typo in the label name' },
      });
      assert.equal(unknown.statusCode, 400, unknown.body);
      assert.equal(unknown.json().error.code, 'LABEL_UNKNOWN');
      assert.match(unknown.json().error.message, /unknown label "not_declared"; the policy declares: .*payment_watch/);
    }
    assert.deepEqual(server.services.engine?.engine.labelsOf('user:u-typo'), []);
  });

  test('a /v1/match with entities feeds a media.matched event to the engine', async () => {
    await server.services.banks.createBank({ name: 'ENGINE_BANK' });
    const md5 = '900150983cd24fb0d6963f7d28e17f72';
    await server.services.banks.addContent('ENGINE_BANK', { signals: { md5 } });
    const response = await server.app.inject({
      method: 'POST',
      url: '/v1/match',
      headers: auth(reader),
      payload: { signals: { md5 }, entities: { user: 'u-matched' } },
    });
    const body = response.json();
    assert.equal(body.matches[0].bank, 'ENGINE_BANK');
    assert.equal(body.event.status, 'accepted');
    assert.equal(body.event.verdict.verdict, 'block', 'the banked_media_match rule fired on the emitted event');
    const cases = await server.services.storage.engine.cases.list({ subject: 'user:u-matched' });
    assert.equal(cases.length, 1);
  });

  test('cases: list, show (audited, with a reason), decide; rule stats count the decision', async () => {
    const list = await server.app.inject({
      method: 'GET',
      url: '/v1/cases?status=open&subject=user:u-http&reason=triage',
      headers: auth(reader),
    });
    assert.equal(list.statusCode, 200, list.body);
    const [opened] = list.json().cases;
    assert.equal(opened.subject, 'user:u-http');
    const noReason = await server.app.inject({ method: 'GET', url: `/v1/cases/${opened.id}`, headers: auth(reader) });
    assert.equal(noReason.statusCode, 400, 'reading case material needs a reason');
    const shown = await server.app.inject({
      method: 'GET',
      url: `/v1/cases/${opened.id}?reason=triage`,
      headers: auth(reader),
    });
    assert.equal(shown.statusCode, 200);
    assert.ok(shown.json().timeline.some((entry: { ref: string }) => entry.ref === 'event:http-1'));
    const decided = await server.app.inject({
      method: 'PATCH',
      url: `/v1/cases/${opened.id}`,
      headers: auth(writer),
      payload: { status: 'closed', decision: 'confirmed', reason: 'reviewed by a specialist' },
    });
    assert.equal(decided.json().case.decision, 'confirmed');
    const stats = await server.app.inject({ method: 'GET', url: '/v1/rules/stats', headers: auth(reader) });
    const row = stats.json().rules.find((rule: { ruleId: string }) => rule.ruleId === 'banked_media_match');
    assert.deepEqual(
      [row.hits, row.confirmed, row.dismissed, row.precision],
      [2, 1, 0, 1],
      'two hits, one decided: confirmed',
    );
    const verification = await server.services.audit.verify();
    assert.equal(verification.ok, true);
    assert.equal(
      verification.entries,
      5,
      'the label change, the entity read, the list, the case read and the decision are in the audit log',
    );
    const missing = await server.app.inject({ method: 'GET', url: '/v1/cases/999?reason=look', headers: auth(reader) });
    assert.equal(missing.json().error.code, 'CASE_NOT_FOUND');
  });
});
