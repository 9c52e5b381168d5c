import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { caseBackends } from '../../test/support/case-backends.js';
import type { NewSubmission } from '../submissions/index.js';

const backends = await caseBackends();
after(async () => {
  for (const backend of backends) await backend.cleanup();
});

function newSubmission(key: string, caseId = 7): NewSubmission {
  return {
    idempotencyKey: key,
    caseId,
    supplemental: false,
    actor: 'person:test-reviewer',
    reportXml: '<report/>',
    files: [
      { position: 0, name: 'a.jpg', source: { evidenceId: 'ev-a' }, details: { viewed: true, note: 'Ünïcode ✓' } },
      { position: 1, name: 'b.jpg', source: { url: 'https://media.example.org/b.jpg' }, details: null },
    ],
    createdAt: '2026-12-01T00:00:00.000Z',
  };
}

for (const backend of backends) {
  describe(`submission repository on ${backend.name}`, { skip: backend.skip }, () => {
    test('one submission per idempotency key; files, patches and exchanges kept across a restart', async () => {
      const place = await backend.place();
      let storage = await backend.open(place);
      try {
        const first = await storage.submissions.createSubmission(newSubmission('k-1'), '2026-12-01T00:10:00.000Z');
        assert.equal(first.created, true);
        const again = await storage.submissions.createSubmission(newSubmission('k-1'), '2026-12-01T00:10:00.000Z');
        assert.deepEqual(again, { record: first.record, created: false });
        await storage.submissions.updateSubmission(
          first.record.id,
          {
            status: 'submitted',
            reportId: '70000001',
            attempts: 1,
            lastError: { endpoint: '/upload', kind: 'transient', responseCode: 1000, text: 'Server error' },
            nextAttemptAt: '2026-12-01T00:05:00.000Z',
            updatedAt: '2026-12-01T00:00:01.000Z',
          },
          null,
        );
        await storage.submissions.updateFile(first.record.id, 0, {
          step: 'uploaded',
          fileId: 'f-1',
          size: 5,
          sha256: 'ab'.repeat(32),
          remoteHash: 'cd'.repeat(16),
        });
        const seq = await storage.submissions.addExchange({
          submissionId: first.record.id,
          endpoint: '/submit',
          method: 'POST',
          requestBody: '<report/>',
          sentAt: '2026-12-01T00:00:00.500Z',
        });
        assert.equal(seq, 1);
        assert.equal(
          await storage.submissions.addExchange({
            submissionId: first.record.id,
            endpoint: '/upload',
            method: 'POST',
            requestBody: '{}',
            sentAt: '2026-12-01T00:00:00.600Z',
          }),
          2,
        );
        await storage.submissions.answerExchange(first.record.id, 1, {
          answeredAt: '2026-12-01T00:00:00.700Z',
          httpStatus: 200,
          responseBody: '<reportResponse/>',
          responseCode: 0,
        });
        await storage.close();
        storage = await backend.open(place);
        const record = await storage.submissions.findByIdempotencyKey('k-1');
        assert.equal(record?.status, 'submitted');
        assert.equal(record?.reportId, '70000001');
        assert.equal(record?.supplemental, false);
        assert.equal(record?.lastError?.responseCode, 1000);
        assert.equal(record?.nextAttemptAt, '2026-12-01T00:05:00.000Z');
        assert.deepEqual(record?.files[0], {
          position: 0,
          name: 'a.jpg',
          source: { evidenceId: 'ev-a' },
          details: { viewed: true, note: 'Ünïcode ✓' },
          step: 'uploaded',
          fileId: 'f-1',
          size: 5,
          sha256: 'ab'.repeat(32),
          remoteHash: 'cd'.repeat(16),
        });
        assert.deepEqual(record?.files[1]?.details, null);
        const exchanges = await storage.submissions.exchanges(first.record.id);
        assert.deepEqual(
          exchanges.map((exchange) => [exchange.seq, exchange.endpoint, exchange.responseCode, exchange.answeredAt]),
          [
            [1, '/submit', 0, '2026-12-01T00:00:00.700Z'],
            [2, '/upload', undefined, undefined],
          ],
        );
      } finally {
        await storage.close();
      }
    });

    test('leases: workable lists free, due, unfinished work; claim takes a free lease only', async () => {
      const storage = await backend.open(await backend.place());
      try {
        const leased = (
          await storage.submissions.createSubmission(newSubmission('k-lease'), '2026-12-01T00:10:00.000Z')
        ).record;
        const waiting = (
          await storage.submissions.createSubmission(newSubmission('k-wait'), '2026-12-01T00:10:00.000Z')
        ).record;
        await storage.submissions.updateSubmission(
          waiting.id,
          { nextAttemptAt: '2026-12-01T01:00:00.000Z', updatedAt: '2026-12-01T00:00:00.000Z' },
          null,
        );
        const done = (await storage.submissions.createSubmission(newSubmission('k-done'), '2026-12-01T00:10:00.000Z'))
          .record;
        await storage.submissions.updateSubmission(
          done.id,
          { status: 'finished', finishedAt: '2026-12-01T00:00:00.000Z', updatedAt: '2026-12-01T00:00:00.000Z' },
          null,
        );
        assert.deepEqual(
          await storage.submissions.workable('2026-12-01T00:05:00.000Z', 10),
          [done.id],
          'receipt pending',
        );
        await storage.submissions.updateSubmission(
          done.id,
          { receiptDeliveredAt: '2026-12-01T00:00:01.000Z', updatedAt: '2026-12-01T00:00:01.000Z' },
          null,
        );
        assert.deepEqual(await storage.submissions.workable('2026-12-01T00:05:00.000Z', 10), []);
        assert.deepEqual(await storage.submissions.workable('2026-12-01T00:10:00.000Z', 10), [leased.id]);
        assert.deepEqual(await storage.submissions.workable('2026-12-01T01:00:00.000Z', 10), [leased.id, waiting.id]);
        assert.equal(
          await storage.submissions.claim(leased.id, '2026-12-01T00:05:00.000Z', '2026-12-01T00:15:00.000Z'),
          false,
        );
        assert.equal(
          await storage.submissions.claim(leased.id, '2026-12-01T00:10:00.000Z', '2026-12-01T00:20:00.000Z'),
          true,
        );
        assert.equal(
          await storage.submissions.claim(leased.id, '2026-12-01T00:11:00.000Z', '2026-12-01T00:21:00.000Z'),
          false,
          'a second claimant loses',
        );
        assert.deepEqual(
          (await storage.submissions.submissionsOfCase(7)).map((record) => record.idempotencyKey),
          ['k-lease', 'k-wait', 'k-done'],
        );
      } finally {
        await storage.close();
      }
    });

    test('the ledger: lines per case in order, other cases apart', async () => {
      const storage = await backend.open(await backend.place());
      try {
        await storage.submissions.addLedgerEntry({
          caseId: 9,
          destination: 'goaml',
          externalId: 'STR-1',
          status: 'filed',
          at: '2026-12-01T00:00:00.000Z',
        });
        await storage.submissions.addLedgerEntry({
          caseId: 9,
          destination: 'ncmec',
          externalId: '70000001',
          status: 'finished',
          at: '2026-12-01T00:01:00.000Z',
        });
        await storage.submissions.addLedgerEntry({
          caseId: 10,
          destination: 'fincen',
          externalId: 'SAR-1',
          status: 'filed',
          at: '2026-12-01T00:02:00.000Z',
        });
        assert.deepEqual(
          (await storage.submissions.ledger(9)).map((entry) => [entry.destination, entry.externalId]),
          [
            ['goaml', 'STR-1'],
            ['ncmec', '70000001'],
          ],
        );
        assert.deepEqual(await storage.submissions.ledger(11), []);
      } finally {
        await storage.close();
      }
    });
  });
}
