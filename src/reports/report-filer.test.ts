import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isEngineError } from '../core/index.js';
import { checkReportFiler, parseReportFiler } from './report-filer.js';

const complete = {
  filing_date: '2026-03-20',
  narrative: 'Synthetic test narrative.',
  action_taken: 'Account closed.',
  reporting_entity: {
    goaml: {
      rentity_id: 1001,
      branch: 'HQ',
      local_currency: 'PHP',
      reporting_user_code: 'TEST01',
      location: { street: '1 Example Street', city: 'Manila', country: 'PH' },
    },
  },
  subjects: {
    'acct-1': {
      first_name: 'Test',
      last_name: 'Person',
      country: 'PH',
      id_document: { type: 'passport', number: 'P000', issuing_country: 'PH' },
      phone: { country_prefix: '63', number: '555-0100' },
    },
  },
  counterparties: { 'acct-9': { country: 'US', name: 'Test Receiver' } },
  currency: { rates: { USD: { PHP: 56.1 } } },
  transactions: { include_other_subject_payments: true, lookback_days: 30 },
  goaml: {
    version: 1,
    fiu: 'TEST-FIU',
    my_client_side: 'sender',
    transmode_codes: { mto_online: 'K' },
    typology_indicators: { ocse_livestream_payer: ['OCSE'] },
    regime_indicators: { human_trafficking: ['HT'] },
    identifier_type_codes: { national_id: 'B' },
  },
};

test('a snake_case filer is read into the builders’ types, codes and account ids kept as written', () => {
  assert.deepEqual(checkReportFiler(complete), []);
  const filer = parseReportFiler(complete, 'filer.yaml');
  assert.equal(filer.reportingEntity.goaml?.rentityId, 1001);
  assert.equal(filer.subjects['acct-1']?.idDocument?.issuingCountry, 'PH');
  assert.equal(filer.subjects['acct-1']?.phone?.countryPrefix, '63');
  assert.deepEqual(filer.goaml?.transmodeCodes, { mto_online: 'K' });
  assert.deepEqual(filer.goaml?.typologyIndicators, { ocse_livestream_payer: ['OCSE'] });
  assert.deepEqual(filer.goaml?.regimeIndicators, { humanTrafficking: ['HT'] });
  assert.deepEqual(filer.goaml?.identifierTypeCodes, { national_id: 'B' });
  assert.deepEqual(filer.currency.rates, { USD: { PHP: 56.1 } });
  assert.deepEqual(filer.transactions, { includeOtherSubjectPayments: true, lookbackDays: 30 });
  assert.equal(filer.counterparties['acct-9']?.country, 'US');
});

test('every problem is named by its path in the file, camelCase keys included', () => {
  const problems = checkReportFiler({
    ...complete,
    local_rates: { USD: 56 },
    reporting_entity: { goaml: { ...complete.reporting_entity.goaml, rentityId: 1 } },
    subjects: { 'acct-1': { first_name: 'Test', country: 'Philippines' } },
    currency: { rates: { USD: { PHP: -1 } } },
    goaml: { version: 1, fiu: 'TEST-FIU', my_client_side: 'both' },
    fincen: { version: 1 },
  });
  const expected = [
    'local_rates: unknown section',
    'reporting_entity.goaml.rentityId: filer keys are snake_case, write rentity_id',
    'subjects.acct-1.last_name',
    'subjects.acct-1.country',
    'currency.rates.USD.PHP',
    'goaml.my_client_side',
    'fincen.transmitter',
    'fincen.filer',
  ];
  for (const fragment of expected)
    assert.ok(
      problems.some((problem) => problem.startsWith(fragment)),
      `no problem starts with ${fragment}: ${problems.join(' | ')}`,
    );
  assert.throws(
    () => parseReportFiler({ reporting_entity: [] }, 'filer.yaml'),
    (error: unknown) =>
      isEngineError(error) && error.code === 'CONFIG_INVALID' && error.message.startsWith('filer.yaml: '),
  );
  assert.deepEqual(checkReportFiler('text'), [
    '(file): expected a mapping of sections (reporting_entity, subjects, goaml, …)',
  ]);
});

test('hostile values are refused, not kept', () => {
  const problems = checkReportFiler({
    filing_date: '2026-02-30',
    narrative: '   ',
    transactions: { from: '2026-03-01', to: '2026-02-01', lookback_days: 1e9 },
    subjects: { 'acct-1': { first_name: 'Test', last_name: 'Person', country: 'PH', birth_date: '99999-01-01' } },
  });
  for (const fragment of [
    'filing_date',
    'narrative',
    'transactions',
    'transactions.lookback_days',
    'subjects.acct-1.birth_date',
  ])
    assert.ok(
      problems.some((problem) => problem.startsWith(`${fragment}:`)),
      `${fragment}: ${problems.join(' | ')}`,
    );
});
