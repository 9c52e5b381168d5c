import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testCase, testPayments, testSender } from '../../test/support/report-cases.js';
import { isEngineError } from '../core/index.js';
import type { ReportCase } from './report-case.js';
import { isCalendarDate, parseReportCase } from './report-case-schema.js';

function rejects(input: ReportCase, ...fragments: string[]): void {
  assert.throws(
    () => parseReportCase(input),
    (error: unknown) => {
      assert.ok(isEngineError(error));
      assert.equal(error.code, 'REQUEST_INVALID');
      for (const fragment of fragments)
        assert.ok(error.message.includes(fragment), `"${error.message}" lacks "${fragment}"`);
      return true;
    },
  );
}

test('accepts a case using every optional field', () => {
  const [first, ...rest] = testPayments(2);
  assert.ok(first !== undefined);
  const input = testCase({
    actionTaken: 'Account closed on 2026-03-16.',
    priorReport: { kind: 'continuing', documentNumber: '31000012345678' },
    payments: [
      {
        ...first,
        amountUsd: 50,
        counterpartyAccount: {
          institutionName: 'Example Wallet Co',
          institutionCode: 'EWC',
          swift: 'EXAMPHM1XXX',
          number: 'W-0001',
          branch: 'Online',
        },
      },
      ...rest,
    ],
    subjects: [
      {
        ...testSender,
        person: {
          ...testSender.person,
          idDocument: {
            type: 'driving_licence',
            number: 'D000-0001',
            issuingCountry: 'US',
            issuingState: 'IL',
            issuedBy: 'Test Licensing Office',
            issueDate: '2020-01-01',
            expiryDate: '2028-01-01',
            description: 'Driving licence',
          },
          phone: { countryPrefix: '1', number: '555-010-0100', extension: '7' },
        },
      },
    ],
  });
  assert.equal(parseReportCase(input), input);
});

test('names the fields that are wrong', () => {
  rejects(testCase({ filingDate: '2026-02-30' }), 'filingDate', 'calendar date');
  rejects(testCase({ activityPeriod: { from: '2026-03-15', to: '2026-03-01' } }), 'activityPeriod', 'from is after to');
  rejects(testCase({ subjects: [] }), 'subjects', 'at least one subject');
  rejects(testCase({ ipAddresses: [{ address: '999.1.1.1' }] }), 'ipAddresses.0.address');
  const [payment] = testPayments(1);
  assert.ok(payment !== undefined);
  rejects(testCase({ payments: [payment, payment] }), 'payments.1.record.id', 'duplicate');
  rejects(
    testCase({ payments: [{ ...payment, record: { ...payment.record, time: '2026-03-01 23:40' } }] }),
    'payments.0.record.time',
  );
  rejects(testCase({ subjects: [testSender, testSender] }), 'subjects.1.accounts.0.id', 'two subjects');
  rejects(
    testCase({ subjects: [{ ...testSender, person: { ...testSender.person, country: 'usa' } }] }),
    'subjects.0.person.country',
  );
});

test('refuses unknown fields, so a misspelt optional field cannot vanish silently', () => {
  const input = { ...testCase(), narative: 'typo' } as unknown as ReportCase;
  rejects(input, 'narative');
});

test('calendar dates are real days', () => {
  assert.equal(isCalendarDate('2024-02-29'), true);
  assert.equal(isCalendarDate('2023-02-29'), false);
  assert.equal(isCalendarDate('2026-3-1'), false);
});
