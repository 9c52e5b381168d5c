import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isEngineError } from '../core/index.js';
import { type LedgerEntry, ReportLedger, type SubmissionRepository } from './index.js';

/** Just the ledger half of a repository, in memory. */
function memoryLedger(): { ledger: ReportLedger; lines: LedgerEntry[] } {
  const lines: LedgerEntry[] = [];
  const repository = {
    addLedgerEntry: async (entry: LedgerEntry) => {
      lines.push(entry);
    },
    ledger: async (caseId: number) => lines.filter((entry) => entry.caseId === caseId),
  } as unknown as SubmissionRepository;
  return { ledger: new ReportLedger(repository), lines };
}

test('the ledger keeps where each case went, by destination', async () => {
  const { ledger } = memoryLedger();
  await ledger.record({
    caseId: 3,
    destination: 'goaml',
    externalId: 'STR-9',
    status: 'filed',
    at: '2026-12-01T00:00:00.000Z',
  });
  await ledger.record({
    caseId: 3,
    destination: 'ncmec',
    externalId: '70000001',
    status: 'finished',
    at: '2026-12-01T00:00:01Z',
  });
  await ledger.record({
    caseId: 3,
    destination: 'uk-nca',
    externalId: 'NCA-1',
    status: 'sent',
    at: '2026-12-01T00:00:02Z',
  });
  assert.deepEqual(
    (await ledger.entries(3)).map((entry) => entry.destination),
    ['goaml', 'ncmec', 'uk-nca'],
  );
  assert.deepEqual(
    (await ledger.reportedTo(3, 'ncmec')).map((entry) => entry.externalId),
    ['70000001'],
  );
  assert.deepEqual(await ledger.reportedTo(4, 'ncmec'), []);
});

test('hostile ledger lines are refused and nothing is written', async () => {
  const { ledger, lines } = memoryLedger();
  const good: LedgerEntry = {
    caseId: 3,
    destination: 'ncmec',
    externalId: '1',
    status: 'finished',
    at: '2026-12-01T00:00:00Z',
  };
  for (const bad of [
    { ...good, caseId: 0 },
    { ...good, caseId: 1.5 },
    { ...good, destination: '' },
    { ...good, destination: 'ncmec\u0000' },
    { ...good, externalId: 'x'.repeat(201) },
    { ...good, status: ' ' },
    { ...good, at: 'yesterday' },
    { ...good, at: '99999-01-01T00:00:00Z' },
    { ...good, at: '2026-13-45T00:00:00Z' },
  ]) {
    await assert.rejects(
      ledger.record(bad),
      (error) => isEngineError(error) && error.code === 'REQUEST_INVALID',
      JSON.stringify(bad),
    );
  }
  assert.deepEqual(lines, []);
  await assert.rejects(ledger.entries(-1), (error) => isEngineError(error) && error.code === 'REQUEST_INVALID');
});
