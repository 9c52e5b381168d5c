import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { type ConsoleSession, signInAs } from '../../../test/support/console-session.js';
import { examplePolicy, syntheticEvent } from '../../../test/support/engine-harness.js';
import { startTestServer } from '../../../test/support/server-harness.js';
import type { Services } from '../../app/index.js';

describe('console review routes', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let services: Services;
  let app: FastifyInstance;
  let caseId: number;
  let sessions: Record<'analyst' | 'auditor', ConsoleSession>;
  before(async () => {
    server = await startTestServer({ policyDir: examplePolicy });
    ({ services, app } = server);
    // Signed in through the real session route and hook. The case is a bank match (the
    // child-safety queue), so the analyst also reviews child safety, with a recorded opt-in.
    sessions = {
      analyst: await signInAs(app, services.people, 'ana.test', ['payments_analyst', 'child_safety_reviewer'], {
        childSafetyOptIn: true,
      }),
      auditor: await signInAs(app, services.people, 'aud.test', ['auditor']),
    };
    await services.engine?.engine.ingest(
      [
        syntheticEvent(
          'media.matched',
          { user: 'u-http-review' },
          { matches: [{ bank: 'TEST_BANK', contentId: 3, signalType: 'pdq', distance: 4 }] },
          new Date(Date.now() - 60_000).toISOString(),
          'http-review-1',
        ),
      ],
      { wait: true },
    );
    const [found] = await services.storage.engine.cases.list({ subject: 'user:u-http-review' });
    assert.ok(found);
    caseId = found.id;
  });
  after(async () => {
    await server.close();
  });

  const as = (who: 'analyst' | 'auditor') => sessions[who].headers;

  test('without a signed-in person every route answers 401 AUTH_REQUIRED', async () => {
    for (const [method, url] of [
      ['GET', `/console/api/cases/${caseId}`],
      ['POST', `/console/api/cases/${caseId}/comments`],
      ['GET', '/console/api/dashboards'],
      ['GET', '/console/api/audit'],
    ] as const) {
      const response = await app.inject({ method, url, ...(method === 'POST' ? { payload: { text: 'hi' } } : {}) });
      assert.equal(response.statusCode, 401, `${method} ${url}: ${response.body}`);
      assert.equal(response.json().error.code, 'AUTH_REQUIRED');
    }
  });

  test('the case view, a decision with its reason, a comment, and the audit log that records them', async () => {
    const view = await app.inject({ method: 'GET', url: `/console/api/cases/${caseId}`, headers: as('analyst') });
    assert.equal(view.statusCode, 200, view.body);
    const body = view.json();
    assert.equal(body.case.id, caseId);
    assert.ok(body.timeline.some((item: { kind: string }) => item.kind === 'match'));
    assert.deepEqual(body.media, []);

    const missingReason = await app.inject({
      method: 'POST',
      url: `/console/api/cases/${caseId}/decision`,
      headers: as('analyst'),
      payload: { action: 'confirm' },
    });
    assert.equal(missingReason.statusCode, 400);
    assert.equal(missingReason.json().error.code, 'REASON_REQUIRED');
    const decided = await app.inject({
      method: 'POST',
      url: `/console/api/cases/${caseId}/decision`,
      headers: as('analyst'),
      payload: { action: 'confirm', reason: 'matched known material (synthetic)', classification: 'A2' },
    });
    assert.equal(decided.statusCode, 200, decided.body);
    assert.equal(decided.json().case.status, 'decided');

    const comment = await app.inject({
      method: 'POST',
      url: `/console/api/cases/${caseId}/comments`,
      headers: as('analyst'),
      payload: { text: 'checked the bank provenance 👍' },
    });
    assert.equal(comment.statusCode, 200, comment.body);
    const huge = await app.inject({
      method: 'POST',
      url: `/console/api/cases/${caseId}/comments`,
      headers: as('analyst'),
      payload: { text: 'x'.repeat(10_001) },
    });
    assert.equal(huge.statusCode, 413);

    const forbidden = await app.inject({ method: 'GET', url: '/console/api/audit', headers: as('analyst') });
    assert.equal(forbidden.statusCode, 403);
    const audit = await app.inject({
      method: 'GET',
      url: '/console/api/audit?after=0&limit=1000',
      headers: as('auditor'),
    });
    assert.equal(audit.statusCode, 200, audit.body);
    const entries = audit.json().entries as { action: string; actor: string; reason: string }[];
    const decision = entries.find((entry) => entry.action === 'case.update');
    assert.deepEqual(
      { actor: decision?.actor, reason: decision?.reason },
      { actor: 'person:ana.test', reason: 'matched known material (synthetic)' },
    );
    assert.ok(entries.some((entry) => entry.action === 'case.comment' && entry.actor === 'person:ana.test'));
  });

  test('unknown and malformed case ids, bad bodies and queries', async () => {
    const unknown = await app.inject({ method: 'GET', url: '/console/api/cases/99999', headers: as('analyst') });
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().error.code, 'CASE_NOT_FOUND');
    for (const id of ['abc', '0', '-1', '2.5', '9'.repeat(30)]) {
      const response = await app.inject({ method: 'GET', url: `/console/api/cases/${id}`, headers: as('analyst') });
      assert.equal(response.statusCode, 400, `${id}: ${response.body}`);
    }
    const badAction = await app.inject({
      method: 'POST',
      url: `/console/api/cases/${caseId}/decision`,
      headers: as('analyst'),
      payload: { action: 'delete', reason: 'x' },
    });
    assert.equal(badAction.statusCode, 400);
    const dashboards = await app.inject({
      method: 'GET',
      url: '/console/api/dashboards?days=7',
      headers: as('analyst'),
    });
    assert.equal(dashboards.statusCode, 200, dashboards.body);
    assert.equal(dashboards.json().volumes.length, 7);
    const badDays = await app.inject({ method: 'GET', url: '/console/api/dashboards?days=0', headers: as('analyst') });
    assert.equal(badDays.statusCode, 400);
    const report = await app.inject({
      method: 'POST',
      url: `/console/api/cases/${caseId}/reports`,
      headers: as('analyst'),
      payload: { format: 'goaml' },
    });
    assert.equal(report.statusCode, 200, report.body);
    assert.equal(report.json().validation.ok, false);
    assert.match(report.json().validation.problems[0], /reports\.yaml/);
  });
});
