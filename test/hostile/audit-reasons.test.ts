/**
 * Issue 10, section 4: "A reason is non-blank text (`"   "`, `""`, `123` and `true` are refused
 * today only in some places)". The audit module is the one choke point (`AuditLog.record` and
 * `checkReason`); every route and command that takes a reason applies the same rule before it
 * reads or changes anything, and answers a coded `REASON_REQUIRED` (HTTP 400, CLI exit 1).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AuditLog, checkReason } from '../../src/audit/index.js';
import { createApiKey } from '../../src/auth/index.js';
import { runCli } from '../../src/cli/index.js';
import { EngineError } from '../../src/core/index.js';
import { openStorage } from '../../src/storage/index.js';
import { captureIo } from '../support/capture-io.js';
import { examplePolicy, syntheticEvent } from '../support/engine-harness.js';
import { startTestServer } from '../support/server-harness.js';

/** Reasons that are not non-blank text, as JSON values. */
const badJsonReasons: unknown[] = [
  '',
  '   ',
  '\t\n ',
  123,
  true,
  null,
  ['why'],
  { why: 'x' },
  'a\u0000b',
  'x'.repeat(2001),
];
/** The same in a query string or on a command line, where every value is text. */
const badTextReasons = ['', '   ', '\t \n'];

const isReasonRequired = (error: unknown) => error instanceof EngineError && error.code === 'REASON_REQUIRED';

describe('a reason is non-blank text, everywhere', () => {
  test('a reason is non-blank text: audit.record refuses "", "   ", 123 and true with REASON_REQUIRED and appends nothing', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'prevail-reasons-'));
    const storage = await openStorage({ dataDir: directory });
    try {
      const audit = new AuditLog(storage.engine.audit);
      await audit.record({ actor: 'person:a', action: 'case.view', subject: 'case:1', reason: 'weekly review' });
      for (const reason of badJsonReasons) {
        await assert.rejects(
          audit.record(
            { actor: 'person:a', action: 'case.view', subject: 'case:1', reason: 'fine' },
            { actor: 'person:a', action: 'case.view', subject: 'case:1', reason: reason as string },
          ),
          isReasonRequired,
          `reason ${JSON.stringify(reason)}`,
        );
      }
      assert.equal((await audit.head()).seq, 1, 'nothing of a refused batch was appended');
      assert.deepEqual(await audit.verify(), { ok: true, entries: 1 });
      for (const reason of ['triage', 'ok', ' ticket 4711 ', 'Überprüfung', '見直し', 'line one\nline two'])
        assert.equal(checkReason(reason), reason, 'good reasons pass unchanged (never trimmed)');
    } finally {
      await storage.close();
      await rm(directory, { recursive: true, force: true });
    }
  });

  describe('HTTP: every /v1 route that takes a reason', () => {
    let server: Awaited<ReturnType<typeof startTestServer>>;
    let headers: { authorization: string };
    let caseId: number;
    before(async () => {
      server = await startTestServer({ policyDir: examplePolicy });
      headers = {
        authorization: `Bearer ${(await createApiKey(server.services.storage.apiKeys, 'analyst', ['write'])).secret}`,
      };
      const opened = await server.app.inject({
        method: 'POST',
        url: '/v1/events?wait=verdict',
        headers,
        payload: syntheticEvent(
          'media.matched',
          { user: 'u-reasons' },
          { matches: [{ bank: 'B', contentId: 1, signalType: 'pdq', distance: 2 }] },
          '2026-11-05T10:00:00Z',
          'reasons-1',
        ),
      });
      assert.equal(opened.statusCode, 200, opened.body);
      const [found] = await server.services.storage.engine.cases.list({ subject: 'user:u-reasons', limit: 1 });
      assert.ok(found !== undefined, 'the event opened a case');
      caseId = found.id;
    });
    after(() => server.close());

    const assertRefused = (response: { statusCode: number; body: string }, what: string) => {
      assert.equal(response.statusCode, 400, `${what}: ${response.body}`);
      assert.equal(JSON.parse(response.body).error.code, 'REASON_REQUIRED', what);
    };

    test('every /v1 route that takes a reason refuses "", "   ", 123 and true with a coded 400 and changes nothing', async () => {
      const before = await server.services.audit.head();
      for (const reason of badTextReasons) {
        assertRefused(
          await server.app.inject({
            method: 'GET',
            url: `/v1/cases/${caseId}?reason=${encodeURIComponent(reason)}`,
            headers,
          }),
          `GET /v1/cases/:id?reason=${JSON.stringify(reason)}`,
        );
      }
      assertRefused(
        await server.app.inject({ method: 'GET', url: `/v1/cases/${caseId}`, headers }),
        'GET /v1/cases/:id without a reason',
      );
      assertRefused(
        await server.app.inject({ method: 'GET', url: `/v1/cases/${caseId}?reason=a&reason=b`, headers }),
        'GET /v1/cases/:id with two reasons',
      );
      for (const reason of badJsonReasons) {
        assertRefused(
          await server.app.inject({
            method: 'PATCH',
            url: `/v1/cases/${caseId}`,
            headers,
            payload: { status: 'closed', reason },
          }),
          `PATCH /v1/cases/:id reason ${JSON.stringify(reason)}`,
        );
        assertRefused(
          await server.app.inject({
            method: 'POST',
            url: '/v1/entities/user/u-reasons/labels',
            headers,
            payload: { label: 'payment_watch', action: 'add', reason },
          }),
          `POST /v1/entities/:type/:id/labels reason ${JSON.stringify(reason)}`,
        );
      }
      assertRefused(
        await server.app.inject({
          method: 'PATCH',
          url: `/v1/cases/${caseId}`,
          headers,
          payload: { status: 'closed' },
        }),
        'PATCH /v1/cases/:id without a reason',
      );
      assert.equal((await server.services.storage.engine.cases.get(caseId))?.status, 'open', 'the case is unchanged');
      assert.ok(
        !(server.services.engine?.engine.labelsOf('user:u-reasons') ?? []).includes('payment_watch'),
        'no label was set',
      );
      assert.deepEqual(await server.services.audit.head(), before, 'nothing was audited');
      const good = await server.app.inject({
        method: 'GET',
        url: `/v1/cases/${caseId}?reason=${encodeURIComponent('weekly review')}`,
        headers,
      });
      assert.equal(good.statusCode, 200, good.body);
    });
  });

  describe('CLI: every command that takes --reason', () => {
    let directory: string;
    before(async () => {
      directory = await mkdtemp(join(tmpdir(), 'prevail-reasons-cli-'));
    });
    after(() => rm(directory, { recursive: true, force: true }));

    test('every CLI command that takes --reason refuses "" and "   " with REASON_REQUIRED', async () => {
      const store = ['--data-dir', join(directory, 'data')];
      const commands = (reason: string): string[][] => [
        ['cases', 'show', '1', '--reason', reason, ...store],
        [
          'cases',
          'report',
          '1',
          '--format',
          'goaml',
          '--config',
          join(directory, 'filer.yaml'),
          '--reason',
          reason,
          ...store,
        ],
        [
          'evidence',
          'open',
          'e1',
          '--dir',
          join(directory, 'evidence'),
          '--out',
          join(directory, 'out'),
          '--reason',
          reason,
          ...store,
        ],
      ];
      for (const reason of badTextReasons) {
        for (const argv of commands(reason)) {
          const io = captureIo();
          const status = await runCli(argv, io);
          const label = `${argv.slice(0, 2).join(' ')} --reason ${JSON.stringify(reason)}`;
          assert.equal(status, 1, `${label}: ${io.errors()}`);
          assert.match(io.errors(), /^prevail: REASON_REQUIRED: --reason /, label);
          assert.equal(io.output(), '', `${label} printed nothing`);
        }
      }
    });
  });
});
