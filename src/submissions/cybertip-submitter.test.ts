import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { after, describe, test } from 'node:test';
import { type CaseBackend, caseBackends } from '../../test/support/case-backends.js';
import {
  type CybertipContractServer,
  startCybertipContractServer,
} from '../../test/support/cybertip-contract-server.js';
import { misorderedReportXml, renderTestFileDetails, validReportXml } from '../../test/support/cybertip-fixtures.js';
import { EngineError, isEngineError } from '../core/index.js';
import { createLogger } from '../logging/index.js';
import type { Storage } from '../storage/index.js';
import {
  CybertipClient,
  CybertipSubmitter,
  type CybertipSubmitterOptions,
  type SubmissionAuditAction,
  type SubmissionFileSource,
  type SubmissionPlan,
  type SubmissionRecord,
} from './index.js';

const backends = await caseBackends();
after(async () => {
  for (const backend of backends) await backend.cleanup();
});

/** Synthetic file bytes by evidence id. */
const evidence: Record<string, Buffer> = {
  'ev-1': Buffer.from('synthetic file one: not media, just bytes'),
  'ev-2': Buffer.from('synthetic file two: other bytes'),
};

async function readTestFile(source: SubmissionFileSource): Promise<Uint8Array> {
  if (!('evidenceId' in source)) throw new Error('the tests read evidence only');
  const bytes = evidence[source.evidenceId];
  if (bytes === undefined) throw new Error(`no evidence ${source.evidenceId}`);
  return bytes;
}

function plan(caseId: number, overrides: Partial<SubmissionPlan> = {}): SubmissionPlan {
  return {
    idempotencyKey: `case:${caseId}:decision:1`,
    caseId,
    reportXml: validReportXml(),
    files: [
      { name: 'file-1.jpg', source: { evidenceId: 'ev-1' }, details: { viewed: true, originalName: 'upload-1.jpg' } },
      { name: 'file-2.jpg', source: { evidenceId: 'ev-2' }, details: { viewed: false, originalName: 'upload-2.jpg' } },
    ],
    actor: 'person:test-reviewer',
    ...overrides,
  };
}

interface Rig {
  readonly storage: Storage;
  readonly submitter: CybertipSubmitter;
  readonly audits: SubmissionAuditAction[];
  readonly receipts: SubmissionRecord[];
  readonly logs: () => string;
  /** Moves the rig's clock forward. */
  advance(ms: number): void;
}

let clockMs = Date.parse('2026-12-01T09:00:00.000Z');

async function openRig(
  backend: CaseBackend,
  place: string,
  server: CybertipContractServer,
  options: Partial<CybertipSubmitterOptions> & { timeoutMs?: number; password?: string } = {},
): Promise<Rig> {
  const storage = await backend.open(place);
  const audits: SubmissionAuditAction[] = [];
  const receipts: SubmissionRecord[] = [];
  const lines: string[] = [];
  const destination = new PassThrough();
  destination.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
  const client = new CybertipClient({
    environment: 'test',
    username: server.username,
    password: options.password ?? server.password,
    baseUrl: server.url,
    timeoutMs: options.timeoutMs ?? 5000,
  });
  const submitter = new CybertipSubmitter({
    client,
    repository: storage.submissions,
    readFile: readTestFile,
    renderFileDetails: renderTestFileDetails,
    audit: async (action) => {
      audits.push(action);
    },
    onReceipt: async (record) => {
      receipts.push(record);
    },
    now: () => new Date(clockMs),
    logger: createLogger({ level: 'trace', destination }),
    ...options,
  });
  return {
    storage,
    submitter,
    audits,
    receipts,
    logs: () => lines.join(''),
    advance: (ms) => {
      clockMs += ms;
    },
  };
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

for (const backend of backends) {
  describe(`CyberTipline submitter on ${backend.name}`, { skip: backend.skip }, () => {
    test('happy path: one report, two files uploaded and described in order, finished, ledger, receipt once', async () => {
      const server = await startCybertipContractServer();
      const rig = await openRig(backend, await backend.place(), server);
      try {
        const record = await rig.submitter.submit(plan(101));
        assert.equal(record.status, 'finished', JSON.stringify(record.lastError));
        assert.equal(record.attempts, 1);
        const [report, ...others] = server.reports();
        assert.equal(others.length, 0);
        assert.equal(report?.status, 'finished');
        assert.equal(record.reportId, report?.reportId);
        assert.equal(report?.xml, validReportXml());
        assert.deepEqual(
          report?.files.map((file) => [file.name, file.sha256, file.fileDetails.length]),
          [
            ['file-1.jpg', sha256(evidence['ev-1'] as Buffer), 1],
            ['file-2.jpg', sha256(evidence['ev-2'] as Buffer), 1],
          ],
        );
        assert.match(report?.files[0]?.fileDetails[0] ?? '', /<fileViewedByEsp>true</);
        assert.match(report?.files[1]?.fileDetails[0] ?? '', /<fileViewedByEsp>false</);
        assert.deepEqual(
          record.files.map((file) => [file.step, file.fileId, file.sha256, file.size]),
          report?.files.map((file) => ['described', file.fileId, file.sha256, file.size]),
        );
        assert.equal(record.files[0]?.remoteHash, report?.files[0]?.md5);
        assert.deepEqual(
          server.calls.map((call) => call.endpoint),
          ['/submit', '/upload', '/fileinfo', '/upload', '/fileinfo', '/finish'],
        );
        const exchanges = await rig.storage.submissions.exchanges(record.id);
        assert.deepEqual(
          exchanges.map((exchange) => [exchange.seq, exchange.endpoint, exchange.responseCode, exchange.httpStatus]),
          [
            [1, '/submit', 0, 200],
            [2, '/upload', 0, 200],
            [3, '/fileinfo', 0, 200],
            [4, '/upload', 0, 200],
            [5, '/fileinfo', 0, 200],
            [6, '/finish', 0, 200],
          ],
        );
        assert.equal(exchanges[0]?.requestBody, validReportXml());
        assert.deepEqual(JSON.parse(exchanges[1]?.requestBody ?? ''), {
          id: record.reportId,
          file: { name: 'file-1.jpg', size: evidence['ev-1']?.byteLength, sha256: sha256(evidence['ev-1'] as Buffer) },
        });
        assert.ok(
          exchanges.every((exchange) => !exchange.requestBody.includes('synthetic file')),
          'no bytes kept',
        );
        assert.deepEqual(
          (await rig.submitter.ledger(101)).map((entry) => [entry.destination, entry.externalId, entry.status]),
          [['ncmec', record.reportId, 'finished']],
        );
        assert.equal(rig.receipts.length, 1);
        assert.equal(rig.receipts[0]?.reportId, record.reportId);
        assert.deepEqual(
          rig.audits.map((action) => action.action),
          ['report.cybertip.create', 'report.cybertip.finish'],
        );
        assert.ok(record.receiptDeliveredAt !== undefined);
        assert.deepEqual(await rig.submitter.resumePending(), [], 'nothing left to do');
        assert.equal(rig.receipts.length, 1, 'the receipt is delivered once');
      } finally {
        await rig.storage.close();
        await server.close();
      }
    });

    test('idempotency: the same key twice is one report; another key for a reported case is refused unless supplemental', async () => {
      const server = await startCybertipContractServer();
      const rig = await openRig(backend, await backend.place(), server);
      try {
        const first = await rig.submitter.submit(plan(102));
        const again = await rig.submitter.submit(plan(102));
        assert.equal(again.id, first.id);
        assert.equal(again.reportId, first.reportId);
        assert.equal(server.reports().length, 1);
        await assert.rejects(
          rig.submitter.submit(plan(102, { idempotencyKey: 'case:102:decision:2' })),
          (error) => isEngineError(error) && error.code === 'CASE_ALREADY_REPORTED',
        );
        assert.equal(server.reports().length, 1);
        const supplemental = await rig.submitter.submit(
          plan(102, { idempotencyKey: 'case:102:decision:2', supplemental: true, files: [] }),
        );
        assert.equal(supplemental.status, 'finished');
        assert.equal(supplemental.supplemental, true);
        assert.equal(server.reports().length, 2);
        assert.equal((await rig.submitter.ledger(102)).length, 2);
      } finally {
        await rig.storage.close();
        await server.close();
      }
    });

    test('a transient failure (1000 on upload, then HTTP 503) waits for its retry, then the same report finishes', async () => {
      const server = await startCybertipContractServer();
      const rig = await openRig(backend, await backend.place(), server);
      try {
        server.failNext('/upload', 1, { code: 1000 });
        const waiting = await rig.submitter.submit(plan(103));
        assert.equal(waiting.status, 'submitted');
        assert.equal(waiting.lastError?.kind, 'transient');
        assert.equal(waiting.lastError?.responseCode, 1000);
        assert.equal(waiting.nextAttemptAt, new Date(clockMs + 5 * 60_000).toISOString());
        assert.deepEqual(await rig.submitter.retryDue(), [], 'not due yet');

        server.failNext('/fileinfo', 1, { httpStatus: 503 });
        rig.advance(5 * 60_000);
        const [second] = await rig.submitter.retryDue();
        assert.equal(second?.status, 'submitted');
        assert.equal(second?.attempts, 2);
        assert.equal(second?.lastError?.httpStatus, 503);
        assert.equal(second?.nextAttemptAt, new Date(clockMs + 10 * 60_000).toISOString(), 'the wait doubles');

        rig.advance(10 * 60_000);
        const [done] = await rig.submitter.retryDue();
        assert.equal(done?.status, 'finished');
        assert.equal(done?.attempts, 3);
        assert.equal(done?.reportId, waiting.reportId);
        assert.equal(server.reports().length, 1, 'no second report at the server');
        assert.equal(server.reports()[0]?.files.length, 2);
        assert.equal(server.calls.filter((call) => call.endpoint === '/submit').length, 1);
        assert.equal(rig.receipts.length, 1);
      } finally {
        await rig.storage.close();
        await server.close();
      }
    });

    test('a permanent failure (4100 validation) stops: failed, the response text kept, nothing opened', async () => {
      const server = await startCybertipContractServer();
      const rig = await openRig(backend, await backend.place(), server);
      try {
        const record = await rig.submitter.submit(plan(104, { reportXml: misorderedReportXml() }));
        assert.equal(record.status, 'failed');
        assert.equal(record.lastError?.kind, 'permanent');
        assert.equal(record.lastError?.responseCode, 4100);
        assert.match(record.lastError?.text ?? '', /Validation failed.*out of order/);
        assert.equal(record.nextAttemptAt, undefined);
        const [exchange] = await rig.storage.submissions.exchanges(record.id);
        assert.match(exchange?.responseBody ?? '', /<responseCode>4100</);
        assert.deepEqual(await rig.submitter.retryDue(), []);
        assert.deepEqual(await rig.submitter.ledger(104), []);
        assert.deepEqual(
          rig.audits.map((action) => action.action),
          ['report.cybertip.create', 'report.cybertip.fail'],
        );
        assert.equal(rig.receipts.length, 0);
      } finally {
        await rig.storage.close();
        await server.close();
      }
    });

    test('a permanent failure after /submit (4100 on fileinfo) retracts the open report', async () => {
      const server = await startCybertipContractServer();
      const rig = await openRig(backend, await backend.place(), server, {
        renderFileDetails: (_details, ids) =>
          `<fileDetails><fileId>${ids.fileId}</fileId><reportId>${ids.reportId}</reportId></fileDetails>`,
      });
      try {
        const record = await rig.submitter.submit(plan(105));
        assert.equal(record.status, 'retracted');
        assert.equal(record.lastError?.responseCode, 4100);
        assert.match(record.lastError?.text ?? '', /out of order/);
        assert.equal(server.reports()[0]?.status, 'retracted');
        const exchanges = await rig.storage.submissions.exchanges(record.id);
        assert.deepEqual(
          exchanges.map((exchange) => exchange.endpoint),
          ['/submit', '/upload', '/fileinfo', '/retract'],
        );
        assert.equal(rig.audits.at(-1)?.action, 'report.cybertip.retract');
        assert.deepEqual(await rig.submitter.ledger(105), []);
      } finally {
        await rig.storage.close();
        await server.close();
      }
    });

    test('running out of attempts gives up: the open report is retracted', async () => {
      const server = await startCybertipContractServer();
      const rig = await openRig(backend, await backend.place(), server, {
        retry: { maxAttempts: 2, firstDelayMs: 1000, maxDelayMs: 1000, giveUpAfterMs: 60_000 },
      });
      try {
        server.failNext('/finish', 2, { code: 1100 });
        const first = await rig.submitter.submit(plan(106));
        assert.equal(first.status, 'submitted');
        rig.advance(1000);
        const [last] = await rig.submitter.retryDue();
        assert.equal(last?.status, 'retracted');
        assert.match(last?.lastError?.text ?? '', /^gave up after 2 attempts: 1100 Save failed/);
        assert.equal(server.reports()[0]?.status, 'retracted');
      } finally {
        await rig.storage.close();
        await server.close();
      }
    });

    test('a crash between upload and finish: a new submitter resumes and finishes the same report once', async () => {
      const server = await startCybertipContractServer();
      const place = await backend.place();
      const crashing = await openRig(backend, place, server, {
        afterStep: (_record, step) => {
          if (step === 'described:1') throw new Error('simulated crash');
        },
      });
      let reportId: string | undefined;
      try {
        await assert.rejects(crashing.submitter.submit(plan(107)), /simulated crash/);
        reportId = server.reports()[0]?.reportId;
        assert.equal(server.reports()[0]?.status, 'open');
        assert.equal(server.reports()[0]?.files.length, 2);
      } finally {
        await crashing.storage.close();
      }
      const restarted = await openRig(backend, place, server);
      try {
        assert.deepEqual(await restarted.submitter.resumePending(), [], 'the lease of the crashed run still holds');
        restarted.advance(10 * 60_000);
        const [resumed] = await restarted.submitter.resumePending();
        assert.equal(resumed?.status, 'finished');
        assert.equal(resumed?.reportId, reportId);
        assert.equal(server.reports().length, 1);
        assert.equal(server.reports()[0]?.status, 'finished');
        assert.equal(server.reports()[0]?.files.length, 2, 'no file uploaded twice');
        assert.equal(server.calls.filter((call) => call.endpoint === '/finish').length, 1);
        assert.equal(restarted.receipts.length, 1);
        assert.deepEqual(await restarted.submitter.resumePending(), []);
      } finally {
        await restarted.storage.close();
        await server.close();
      }
    });

    test('a crash after /submit before any upload resumes with the same report id (a sole process takes over its own lease)', async () => {
      const server = await startCybertipContractServer();
      const place = await backend.place();
      const crashing = await openRig(backend, place, server, {
        afterStep: (_record, step) => {
          if (step === 'submitted') throw new Error('simulated crash');
        },
      });
      try {
        await assert.rejects(crashing.submitter.submit(plan(108)), /simulated crash/);
      } finally {
        await crashing.storage.close();
      }
      const restarted = await openRig(backend, place, server);
      try {
        const [resumed] = await restarted.submitter.resumePending({ takeOverLeases: true });
        assert.equal(resumed?.status, 'finished');
        assert.equal(resumed?.reportId, server.reports()[0]?.reportId);
        assert.equal(server.reports().length, 1);
        assert.equal(server.reports()[0]?.files.length, 2);
      } finally {
        await restarted.storage.close();
        await server.close();
      }
    });

    test('timeouts: a hanging /upload waits for a retry; a /finish whose answer was lost counts as finished (5102)', async () => {
      const server = await startCybertipContractServer();
      const rig = await openRig(backend, await backend.place(), server, { timeoutMs: 300 });
      try {
        server.failNext('/upload', 1, { hang: true });
        const waiting = await rig.submitter.submit(plan(109));
        assert.equal(waiting.status, 'submitted');
        assert.equal(waiting.lastError?.kind, 'transient');
        assert.match(waiting.lastError?.text ?? '', /no answer within 300 ms/);
        const exchanges = await rig.storage.submissions.exchanges(waiting.id);
        assert.equal(exchanges.at(-1)?.error, 'no answer within 300 ms');

        server.failNext('/finish', 1, { hang: true, when: 'after' });
        rig.advance(5 * 60_000);
        const [second] = await rig.submitter.retryDue();
        assert.equal(second?.status, 'submitted', 'the finish answer never came');
        assert.equal(server.reports()[0]?.status, 'finished', 'but the server did finish');
        rig.advance(10 * 60_000);
        const [done] = await rig.submitter.retryDue();
        assert.equal(done?.status, 'finished');
        const last = (await rig.storage.submissions.exchanges(waiting.id)).at(-1);
        assert.equal(last?.responseCode, 5102);
        assert.equal(server.reports().length, 1);
        assert.equal(rig.receipts.length, 1);
      } finally {
        await rig.storage.close();
        await server.close();
      }
    });

    test('a failing onReceipt is retried later, the report is not sent again, and it is delivered once', async () => {
      const server = await startCybertipContractServer();
      let failures = 1;
      const delivered: SubmissionRecord[] = [];
      const rig = await openRig(backend, await backend.place(), server, {
        onReceipt: async (record) => {
          if (failures-- > 0) throw new Error('the vault is briefly unavailable');
          delivered.push(record);
        },
      });
      try {
        const record = await rig.submitter.submit(plan(114));
        assert.equal(record.status, 'finished');
        assert.equal(record.receiptDeliveredAt, undefined);
        assert.ok(record.nextAttemptAt !== undefined);
        assert.match(rig.logs(), /receipt of a finished CyberTipline report could not be delivered/);
        assert.deepEqual(await rig.submitter.retryDue(), [], 'not due yet');
        rig.advance(5 * 60_000);
        const [again] = await rig.submitter.retryDue();
        assert.equal(again?.status, 'finished');
        assert.ok(again?.receiptDeliveredAt !== undefined);
        assert.equal(delivered.length, 1);
        assert.equal(delivered[0]?.reportId, record.reportId);
        assert.equal(server.reports().length, 1);
        assert.equal(server.calls.filter((call) => call.endpoint === '/finish').length, 1);
        rig.advance(60 * 60_000);
        assert.deepEqual(await rig.submitter.retryDue(), []);
        assert.equal(delivered.length, 1);
      } finally {
        await rig.storage.close();
        await server.close();
      }
    });

    test('file reads: evidence that is gone is permanent (retracted); another read failure waits for a retry', async () => {
      const server = await startCybertipContractServer();
      let gone = false;
      const rig = await openRig(backend, await backend.place(), server, {
        readFile: async (source) => {
          if (gone) throw new EngineError('EVIDENCE_NOT_FOUND', 'no preserved evidence item has that id');
          if ('url' in source) throw new Error('socket hang up');
          return readTestFile(source);
        },
      });
      try {
        const waiting = await rig.submitter.submit(
          plan(115, {
            files: [{ name: 'remote.jpg', source: { url: 'https://media.example.org/x.jpg' }, details: {} }],
          }),
        );
        assert.equal(waiting.status, 'submitted');
        assert.match(waiting.lastError?.text ?? '', /file 1 \(remote\.jpg\) could not be read: socket hang up/);
        gone = true;
        rig.advance(5 * 60_000);
        const [stopped] = await rig.submitter.retryDue();
        assert.equal(stopped?.status, 'retracted');
        assert.equal(stopped?.lastError?.kind, 'permanent');
        assert.match(stopped?.lastError?.text ?? '', /EVIDENCE_NOT_FOUND/);
        assert.equal(server.reports()[0]?.status, 'retracted');
      } finally {
        await rig.storage.close();
        await server.close();
      }
    });

    test('two processes on one store: only one runs a due submission (the lease)', async () => {
      const server = await startCybertipContractServer();
      const place = await backend.place();
      const first = await openRig(backend, place, server);
      const second = await openRig(backend, place, server);
      try {
        server.failNext('/upload', 1, { code: 1110 });
        const waiting = await first.submitter.submit(plan(116));
        assert.equal(waiting.status, 'submitted');
        first.advance(5 * 60_000);
        const [a, b] = await Promise.all([first.submitter.retryDue(), second.submitter.retryDue()]);
        assert.equal([...(a ?? []), ...(b ?? [])].filter((record) => record.status === 'finished').length, 1);
        assert.equal(server.reports().length, 1);
        assert.equal(server.calls.filter((call) => call.endpoint === '/finish').length, 1);
        assert.equal(first.receipts.length + second.receipts.length, 1);
      } finally {
        await first.storage.close();
        await second.storage.close();
        await server.close();
      }
    });

    test('secrets: the password is never in stored exchanges, records, audit entries or logs', async () => {
      const server = await startCybertipContractServer();
      const place = await backend.place();
      const wrong = await openRig(backend, place, server, { password: 'wrong-secret-value' });
      try {
        const refused = await wrong.submitter.submit(plan(110));
        assert.equal(refused.status, 'failed');
        assert.equal(refused.lastError?.responseCode, 3000);
        const good = await openRig(backend, place, server);
        try {
          const record = await good.submitter.submit(plan(111));
          assert.equal(record.status, 'finished');
          server.failNext('/submit', 1, { httpStatus: 503 });
          await good.submitter.submit(plan(112));
          const stored = JSON.stringify([
            await good.storage.submissions.exchanges(refused.id),
            await good.storage.submissions.exchanges(record.id),
            await good.storage.submissions.submissionsOfCase(110),
            await good.storage.submissions.submissionsOfCase(111),
            await good.storage.submissions.submissionsOfCase(112),
            good.audits,
            wrong.audits,
          ]);
          const logged = wrong.logs() + good.logs();
          assert.ok(logged.includes('CyberTipline'), 'something was logged');
          for (const secret of [server.password, 'wrong-secret-value']) {
            const basic = Buffer.from(`${server.username}:${secret}`).toString('base64');
            for (const text of [stored, logged]) {
              assert.ok(!text.includes(secret), 'no password');
              assert.ok(!text.includes(basic), 'no Authorization header');
            }
          }
        } finally {
          await good.storage.close();
        }
      } finally {
        await wrong.storage.close();
        await server.close();
      }
    });

    test('hostile plans are refused before anything is stored or sent', async () => {
      const server = await startCybertipContractServer();
      const rig = await openRig(backend, await backend.place(), server);
      try {
        const bad: SubmissionPlan[] = [
          plan(113, { idempotencyKey: '' }),
          plan(113, { idempotencyKey: 'key\0with-nul' }),
          plan(0),
          plan(113, { reportXml: '<notareport/>' }),
          plan(113, { reportXml: `${validReportXml()}\u0000` }),
          plan(113, { files: [{ name: '../etc/passwd', source: { evidenceId: 'ev-1' }, details: {} }] }),
          plan(113, { files: [{ name: 'a.jpg', source: { url: 'file:///etc/passwd' }, details: {} }] }),
          plan(113, { files: [{ name: 'a.jpg', source: {} as never, details: {} }] }),
          plan(113, { files: [{ name: 'a.jpg', source: { evidenceId: 'ev-1' }, details: 10n }] }),
        ];
        for (const candidate of bad) {
          await assert.rejects(
            rig.submitter.submit(candidate),
            (error) => isEngineError(error) && error.code === 'REQUEST_INVALID',
            JSON.stringify(candidate, (_key, value) => (typeof value === 'bigint' ? String(value) : value)).slice(
              0,
              200,
            ),
          );
        }
        assert.deepEqual(await rig.storage.submissions.submissionsOfCase(113), []);
        assert.equal(server.calls.length, 0);
      } finally {
        await rig.storage.close();
        await server.close();
      }
    });
  });
}
