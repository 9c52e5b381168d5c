import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { actionSecretEnv, privateSession, writeActionPolicy } from '../../test/support/action-rig.js';
import { caseBackends } from '../../test/support/case-backends.js';
import { postgresUrl } from '../../test/support/postgres.js';
import { createServices, type Services } from '../app/index.js';
import type { Person } from '../people/index.js';

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

const backends = await caseBackends();

for (const backend of backends)
  describe(`a review decision triggers the actions declared for it, committed with the decision (${backend.name})`, {
    skip: backend.skip,
  }, () => {
    let dir: string;
    let services: Services;

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'prevail-decision-actions-'));
      const policyDir = join(dir, 'policy');
      await writeActionPolicy(policyDir, 'http://127.0.0.1:9/unused');
      await writeFile(
        join(policyDir, 'actions.yaml'),
        `endpoints:
  platform: { url: "http://127.0.0.1:9/unused", secret_env: PREVAIL_ACTION_SECRET_TEST }
  feed: { kind: sse }
actions:
  - name: end_stream
    kind: terminate_stream
    mode: shadow
    endpoints: [feed]
  - name: warn_host
    kind: warn_user
    mode: shadow
    endpoints: [feed]
  - name: restrict
    kind: restrict_account
    mode: active
    endpoints: [platform, feed]
    on: [decision:confirm]
    payload: { user: "{{entities.user}}", why: "{{reasons}}" }
  - name: note_dismissal
    kind: custom:dismissal_note
    mode: shadow
    endpoints: [feed]
    on: [decision:dismiss]
`,
      );
      const place = await backend.place();
      const where =
        backend.name === 'PostgreSQL'
          ? { dataDir: join(dir, 'data'), databaseUrl: postgresUrl, schema: place }
          : { dataDir: place };
      services = await createServices({ ...where, policyDir, actionSecrets: actionSecretEnv }, { withEngine: true });
    });

    after(async () => {
      await services.close();
      await backend.cleanup();
      await rm(dir, { recursive: true, force: true });
    });

    test('confirm commits restrict_account for the case subject (one row per endpoint) and audits it; dismiss only its shadow action', async () => {
      const review = services.review;
      assert.ok(review !== undefined);
      await services.engine?.engine.ingest([privateSession('evt-d1', 'host-1', 'stream-1')], { wait: true });
      const [found] = await services.storage.engine.cases.list({ subject: 'user:host-1' });
      assert.ok(found !== undefined);
      const before = await services.storage.outbox.list({ limit: 100 });

      // A decision refused by the lifecycle commits no action.
      await assert.rejects(review.decide(found.id, reviewer, { action: 'enqueue_report' }), {
        code: 'CASE_TRANSITION_INVALID',
      });
      assert.equal((await services.storage.outbox.list({ limit: 100 })).length, before.length);

      await review.decide(found.id, reviewer, { action: 'confirm', reason: 'matches the synthetic policy' });
      const rows = (await services.storage.outbox.list({ caseId: found.id, limit: 100 })).filter(
        (row) => row.action === 'restrict',
      );
      assert.deepEqual(rows.map((row) => [row.endpoint, row.status]).sort(), [
        ['feed', 'stream'],
        ['platform', 'pending'],
      ]);
      const body = JSON.parse(rows[0]?.bodyJson ?? '{}');
      assert.equal(body.decision, 'confirm');
      assert.equal(body.rule, null);
      assert.equal(body.subject, 'user:host-1');
      assert.deepEqual(body.payload, { user: 'host-1', why: ['confirm by rev.test: matches the synthetic policy'] });
      assert.ok(rows.every((row) => row.caseId === found.id && row.idempotencyKey === rows[0]?.idempotencyKey));
      const audit = await services.audit.entries(0, 1000);
      const triggered = audit.filter(
        (entry) => entry.action === 'action.triggered' && entry.subject === `case:${found.id}`,
      );
      assert.equal(triggered.length, 2);
      assert.equal(triggered[0]?.actor, 'person:rev.test');

      await review.decide(found.id, reviewer, { action: 'dismiss', reason: 'second look' });
      const dismissal = (await services.storage.outbox.list({ caseId: found.id, limit: 100 })).filter(
        (row) => row.action === 'note_dismissal',
      );
      assert.deepEqual(
        dismissal.map((row) => row.status),
        ['shadow'],
      );
      assert.equal(
        (await services.storage.outbox.list({ caseId: found.id, limit: 100 })).filter(
          (row) => row.action === 'restrict',
        ).length,
        2,
        'dismiss triggers no restriction',
      );
      const shown = await review.actionsOf(found.id, reviewer);
      const restrict = shown.find((action) => action.action === 'restrict' && action.endpoint === 'platform');
      assert.equal(restrict?.trigger, 'decision:confirm');
      assert.equal(restrict?.status, 'pending');
      assert.equal(restrict?.attempts, 0);
      assert.ok(
        !JSON.stringify(shown).includes('matches the synthetic policy'),
        'the reviewer view carries no payload',
      );
      const stranger: Person = { ...reviewer, id: 2, login: 'nobody.test', roles: ['auditor'] };
      await assert.rejects(review.actionsOf(found.id, stranger), { code: 'AUTH_FORBIDDEN' });
    });
  });
