import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isEngineError } from '../core/index.js';
import { buildCaseReport } from './build-case-report.js';
import { parseReportFiler } from './report-filer.js';
import { reportReadiness } from './report-readiness.js';
import type { CaseEvent, CaseFile } from './report-transactions.js';

const alerting: CaseEvent = {
  id: 'payment:p1',
  type: 'payment.sent',
  time: '2026-02-05T18:00:00+03:00',
  entities: { payment_account: 'acct-1', payee_account: 'acct-9' },
  data: { amount: 100, currency: 'SAR', payer_country: 'SA' },
};
const file: CaseFile = {
  id: 3,
  subject: 'payment_account:acct-1',
  timeline: [
    {
      kind: 'rule_hit',
      ref: 'typology:sextortion_victim:payment:p1',
      time: alerting.time,
      summary: 'typology sextortion_victim reached 50',
      detail: { contributions: [{ eventId: alerting.id, reason: 'burst', timeMs: Date.parse(alerting.time) }] },
    },
  ],
  events: [alerting],
};

test('every missing field is named by its place in the filer file, per format', () => {
  const bare = parseReportFiler(
    {
      reporting_entity: {
        fincen: {
          name: 'Example Remit Inc',
          tin: '00-0000001',
          tin_type: 'ein',
          address: { street: '1 Example Way', city: 'Vienna', country: 'US' },
          contact_office: { name: 'Office', phone: '703-555-0100' },
        },
      },
    },
    'test',
  );
  assert.deepEqual(reportReadiness(file, bare, 'goaml'), [
    'narrative: write the analyst narrative of this report',
    "subjects.acct-1: the case's subject needs its KYC (at least first_name, last_name, country)",
    'reporting_entity.goaml: the goAML reporting entity (rentity_id, branch, local_currency, …)',
    'goaml: the goAML section (version, fiu, my_client_side, the FIU codes)',
    "counterparties.acct-9.country: goAML needs every party's country (payment p1)",
  ]);
  assert.deepEqual(reportReadiness(file, bare, 'fincen', { narrative: 'Synthetic.' }), [
    "subjects.acct-1: the case's subject needs its KYC (at least first_name, last_name, country)",
    "reporting_entity.fincen.address.state: FinCEN requires the filer's state and ZIP code",
    "reporting_entity.fincen.address.postal_code: FinCEN requires the filer's state and ZIP code",
    'fincen: the FinCEN section (version, transmitter, filer)',
    'currency.rates.SAR.USD: a rate for the payments in SAR (FinCEN amounts are in USD)',
  ]);
  const kyc = parseReportFiler(
    {
      narrative: 'Synthetic.',
      subjects: { 'acct-1': { first_name: 'Test', last_name: 'Person', country: 'SA' } },
      reporting_entity: {
        goaml: {
          rentity_id: 1,
          branch: 'HQ',
          local_currency: 'PHP',
          reporting_user_code: 'TEST01',
          location: { street: '1 Example Street', city: 'Manila', country: 'PH' },
        },
      },
      goaml: { version: 1, fiu: 'TEST', my_client_side: 'sender' },
    },
    'test',
  );
  const problems = reportReadiness(file, kyc, 'goaml');
  for (const expected of [
    'subjects.acct-1.birth_date:',
    'subjects.acct-1.national_id_number (or id_document):',
    'subjects.acct-1.nationality:',
    'subjects.acct-1.phone:',
    'counterparties.acct-9.country:',
    'currency.rates.SAR.PHP:',
  ])
    assert.ok(
      problems.some((problem) => problem.startsWith(expected)),
      `${expected} in ${problems.join(' | ')}`,
    );
  assert.throws(
    () => buildCaseReport(file, kyc, 'goaml', { today: '2026-03-01' }),
    (error: unknown) =>
      isEngineError(error) &&
      error.code === 'REQUEST_INVALID' &&
      error.message === `the report needs: ${problems.join('; ')}`,
  );
});
