/**
 * The queue routes and gauges over a real server (SQLite, the example policy): `/metrics` reports
 * depth and oldest age per queue; the console queue routes refuse a request without a signed-in
 * person (AUTH_REQUIRED) and, with one (signed in through `POST /console/api/session`, the
 * real session hook), map to the queue service: the list, a page, claim next, step away, release with a reason, imminent harm.
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../src/app/index.js';
import { createApiKey } from '../../src/auth/index.js';
import { type ConsoleSession, signInAs } from '../support/console-session.js';
import { examplePolicy, syntheticEvent } from '../support/engine-harness.js';
import { startTestServer } from '../support/server-harness.js';

describe('queue routes and gauges', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let services: Services;
  let app: FastifyInstance;
  let reader: string;
  let sessions: Record<'rita' | 'pat', ConsoleSession>;

  before(async () => {
    server = await startTestServer({ policyDir: examplePolicy });
    ({ services, app } = server);
    sessions = {
      rita: await signInAs(app, services.people, 'rita', ['child_safety_reviewer'], { childSafetyOptIn: true }),
      pat: await signInAs(app, services.people, 'pat', ['payments_analyst']),
    };
    reader = (await createApiKey(services.storage.apiKeys, 'metrics', ['read'])).secret;
    const results = await services.engine?.engine.ingest(
      [
        syntheticEvent(
          'media.matched',
          { user: 'u-http' },
          { matches: [{ bank: 'TEST_BANK', contentId: 1, signalType: 'pdq', distance: 2 }] },
          '2026-11-01T09:00:00.000Z',
          'http-match-1',
        ),
      ],
      { wait: true },
    );
    assert.equal(results?.[0]?.status, 'accepted');
  });

  after(async () => {
    await server.close();
  });

  test('/metrics reports each queue’s depth and oldest age', async () => {
    const metrics = await app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${reader}` },
    });
    assert.equal(metrics.statusCode, 200);
    assert.match(metrics.body, /^prevail_queue_depth\{queue="child-safety"\} 1$/m);
    assert.match(metrics.body, /^prevail_queue_depth\{queue="payments"\} 0$/m);
    assert.match(metrics.body, /^prevail_queue_depth\{queue="general"\} 0$/m);
    const age = /^prevail_queue_oldest_age_seconds\{queue="child-safety"\} (\d+)$/m.exec(metrics.body);
    assert.ok(age !== null && Number(age[1]) > 0, 'the oldest case has an age');
  });

  test('without a signed-in person every queue route answers 401 AUTH_REQUIRED', async () => {
    for (const [method, url] of [
      ['GET', '/console/api/queues'],
      ['GET', '/console/api/queues/general/cases'],
      ['POST', '/console/api/queues/general/claim-next'],
      ['POST', '/console/api/cases/1/claim'],
      ['POST', '/console/api/cases/1/step-away'],
    ] as const) {
      const response = await app.inject({ method, url });
      assert.equal(response.statusCode, 401, `${method} ${url}: ${response.body}`);
      assert.equal(response.json().error.code, 'AUTH_REQUIRED');
    }
  });

  test('with a person: list, page, claim next, step away, release, imminent; child safety refused to an analyst', async () => {
    const as = (login: 'rita' | 'pat') => sessions[login].headers;
    const list = await app.inject({ method: 'GET', url: '/console/api/queues', headers: as('pat') });
    assert.equal(list.statusCode, 200, list.body);
    assert.deepEqual(
      list
        .json()
        .queues.map((queue: { name: string; mayWork: boolean; depth: number }) => [
          queue.name,
          queue.mayWork,
          queue.depth,
        ]),
      [
        ['child-safety', false, 1],
        ['payments', true, 0],
        ['general', true, 0],
      ],
    );
    const refused = await app.inject({
      method: 'GET',
      url: '/console/api/queues/child-safety/cases',
      headers: as('pat'),
    });
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json().error.code, 'AUTH_FORBIDDEN');
    const missing = await app.inject({ method: 'GET', url: '/console/api/queues/nope/cases', headers: as('rita') });
    assert.equal(missing.json().error.code, 'QUEUE_NOT_FOUND');
    const badLimit = await app.inject({
      method: 'GET',
      url: '/console/api/queues/general/cases?limit=0',
      headers: as('rita'),
    });
    assert.equal(badLimit.statusCode, 400);

    const page = await app.inject({
      method: 'GET',
      url: '/console/api/queues/child-safety/cases?limit=5',
      headers: as('rita'),
    });
    assert.equal(page.statusCode, 200, page.body);
    const [item] = page.json().cases;
    assert.deepEqual(Object.keys(item).sort(), [
      'caseId',
      'claimExpiresAt',
      'claimedBy',
      'imminent',
      'openedAt',
      'priority',
      'source',
      'subject',
      'typology',
    ]);
    assert.deepEqual(
      [item.subject, item.source, item.typology, item.imminent],
      ['user:u-http', 'hash_match', null, false],
    );

    const claimed = await app.inject({
      method: 'POST',
      url: '/console/api/queues/child-safety/claim-next',
      headers: as('rita'),
    });
    assert.equal(claimed.json().item.claimedBy, 'rita');
    const stepped = await app.inject({
      method: 'POST',
      url: `/console/api/cases/${item.caseId}/step-away`,
      headers: as('rita'),
    });
    assert.equal(stepped.json().item.claimedBy, null);
    await app.inject({ method: 'POST', url: `/console/api/cases/${item.caseId}/claim`, headers: as('rita') });
    const noReason = await app.inject({
      method: 'POST',
      url: `/console/api/cases/${item.caseId}/release`,
      headers: as('rita'),
      payload: { reason: ' ' },
    });
    assert.equal(noReason.json().error.code, 'REASON_REQUIRED');
    const released = await app.inject({
      method: 'POST',
      url: `/console/api/cases/${item.caseId}/release`,
      headers: as('rita'),
      payload: { reason: 'needs a second reviewer' },
    });
    assert.equal(released.statusCode, 200, released.body);
    const notHeld = await app.inject({
      method: 'POST',
      url: `/console/api/cases/${item.caseId}/step-away`,
      headers: as('rita'),
    });
    assert.equal(notHeld.statusCode, 409);
    assert.equal(notHeld.json().error.code, 'CLAIM_NOT_HELD');

    const analystImminent = await app.inject({
      method: 'POST',
      url: `/console/api/cases/${item.caseId}/imminent`,
      headers: as('pat'),
      payload: { imminent: true, reason: 'call from a parent' },
    });
    assert.equal(analystImminent.statusCode, 403);
    const imminent = await app.inject({
      method: 'POST',
      url: `/console/api/cases/${item.caseId}/imminent`,
      headers: as('rita'),
      payload: { imminent: true, reason: 'call from a parent' },
    });
    assert.equal(imminent.statusCode, 200, imminent.body);
    assert.equal(imminent.json().item.imminent, true);
    const notBoolean = await app.inject({
      method: 'POST',
      url: `/console/api/cases/${item.caseId}/imminent`,
      headers: as('rita'),
      payload: { imminent: 'yes', reason: 'x' },
    });
    assert.equal(notBoolean.statusCode, 400);
  });
});
