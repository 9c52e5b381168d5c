import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ocseTypology } from '../payments/index.js';
import { reportCaseFromCase } from './case-report.js';
import { parseReportFiler, type ReportFiler } from './report-filer.js';
import { type CaseEvent, type CaseFile, reportEventQuery, selectReportPayments } from './report-transactions.js';

function caseWith(typologies: readonly string[]): CaseFile {
  return {
    id: 7,
    subject: 'payment_account:acct-1',
    timeline: typologies.map((typology, index) => ({
      kind: 'rule_hit',
      ref: `typology:${typology}:event-${index}`,
      time: `2026-11-0${index + 1}T10:00:00Z`,
      summary: `typology ${typology} reached 60`,
      detail: { contributions: [{ reason: `${typology} reason` }] },
    })),
  };
}

const filer: ReportFiler = parseReportFiler({ narrative: 'Synthetic test case.' }, 'test');
const options = { filingDate: '2026-11-30', narrative: 'Synthetic test case.' };

test('the regime flags follow the OCSE pack’s own sextortion typology names', () => {
  const sextortionOnly = reportCaseFromCase(
    caseWith([ocseTypology.sextortionVictim, ocseTypology.sextortionMule]),
    filer,
    options,
  );
  assert.deepEqual(sextortionOnly.regimes, { ocse: false, sextortion: true, humanTrafficking: false });
  const both = reportCaseFromCase(caseWith([ocseTypology.sextortionMule, 'ocse_offender']), filer, options);
  assert.deepEqual(both.regimes, { ocse: true, sextortion: true, humanTrafficking: false });
  assert.deepEqual(
    both.typologies.map((typology) => typology.id),
    [ocseTypology.sextortionMule, 'ocse_offender'],
  );
});

/** A `payment.sent` event as the engine logs it (plainly fake accounts). */
function payment(
  id: string,
  time: string,
  payer: string,
  payee: string,
  extra: Record<string, string> = {},
): CaseEvent {
  return {
    id: `payment:${id}`,
    type: 'payment.sent',
    time,
    entities: { payment_account: payer, payee_account: payee, ...extra },
    data: { amount: 50, currency: 'USD', payer_country: 'US', payee_country: 'PH' },
  };
}

const early = payment('early', '2026-01-10T23:00:00+03:00', 'acct-1', 'acct-payee', { ip: '192.0.2.7' });
const alerting = payment('alerting', '2026-02-05T18:00:00+03:00', 'acct-1', 'acct-payee');
const thirdParty = payment('third-party', '2026-02-06T09:00:00+03:00', 'acct-2', 'acct-phone-co', {
  ip: '198.51.100.9',
});
const otherOwn = payment('other-own', '2026-02-01T12:00:00+03:00', 'acct-1', 'acct-grocer');
const received = payment('received', '2026-01-20T12:00:00+03:00', 'acct-3', 'acct-1');
const long_ago = payment('long-ago', '2025-06-01T12:00:00+03:00', 'acct-1', 'acct-grocer');

/**
 * A case opened on `alerting`, whose typology rests on `early` (before the case: not on its
 * timeline) and `alerting`, and whose timeline also holds a third party's payment that joined it.
 */
const offenderCase: CaseFile = {
  id: 12,
  subject: 'payment_account:acct-1',
  timeline: [
    { kind: 'event', ref: `event:${alerting.id}`, time: alerting.time, summary: 'payment.sent', detail: alerting },
    {
      kind: 'rule_hit',
      ref: `typology:ocse_livestream_payer:${alerting.id}`,
      time: alerting.time,
      summary: 'typology ocse_livestream_payer reached 90',
      detail: {
        contributions: [
          { ruleId: 'r1', eventId: early.id, points: 40, reason: 'early reason', timeMs: Date.parse(early.time) },
          {
            ruleId: 'r2',
            eventId: alerting.id,
            points: 50,
            reason: 'alerting reason',
            timeMs: Date.parse(alerting.time),
          },
        ],
      },
    },
    {
      kind: 'event',
      ref: `event:${thirdParty.id}`,
      time: thirdParty.time,
      summary: 'payment.sent',
      detail: thirdParty,
    },
  ],
};

test('the query names the events the typologies rest on, and the subject in the period only when asked', () => {
  assert.deepEqual(reportEventQuery(offenderCase, filer.transactions), { ids: [early.id, alerting.id] });
  const wide = reportEventQuery(offenderCase, { includeOtherSubjectPayments: true, lookbackDays: 30 });
  assert.deepEqual(wide.entities?.refs, [
    { type: 'payment_account', id: 'acct-1' },
    { type: 'payee_account', id: 'acct-1' },
  ]);
  assert.equal(wide.entities?.fromMs, Date.parse(early.time) - 30 * 86_400_000);
  assert.equal(wide.entities?.toMs, Date.parse(thirdParty.time));
});

test('a report carries the alerting payments, even those before the case, and never a third party’s', () => {
  const withoutLog = selectReportPayments(offenderCase, filer.transactions);
  assert.deepEqual(
    withoutLog.payments.map((record) => record.id),
    ['alerting'],
    'without the log read, only what is on the timeline',
  );
  const file = { ...offenderCase, events: [early, alerting, otherOwn, received, long_ago, thirdParty] };
  const selected = selectReportPayments(file, filer.transactions);
  assert.deepEqual(
    selected.payments.map((record) => record.id),
    ['early', 'alerting'],
  );
  const assembled = reportCaseFromCase(file, filer, options);
  assert.deepEqual(
    assembled.payments.map((item) => item.record.id),
    ['early', 'alerting'],
  );
  assert.deepEqual(assembled.ipAddresses, [{ address: '192.0.2.7', seenAt: early.time }], 'only the subject’s IPs');
  assert.deepEqual(assembled.activityPeriod, { from: '2026-01-10', to: '2026-02-05' });
});

test('with the filer’s choice, the subject’s other payments in the period come too (sent and received)', () => {
  const file = { ...offenderCase, events: [early, alerting, otherOwn, received, long_ago, thirdParty] };
  const selection = { includeOtherSubjectPayments: true, lookbackDays: 90 };
  assert.deepEqual(
    selectReportPayments(file, selection).payments.map((record) => record.id),
    ['early', 'received', 'other-own', 'alerting'],
  );
  const bounded = { includeOtherSubjectPayments: true, lookbackDays: 90, from: '2026-01-15', to: '2026-02-28' };
  assert.deepEqual(
    selectReportPayments(file, bounded).payments.map((record) => record.id),
    ['early', 'received', 'other-own', 'alerting'],
    'the alerting payments are always carried; the period bounds the others',
  );
  const narrow = { includeOtherSubjectPayments: true, lookbackDays: 90, from: '2026-01-25', to: '2026-02-28' };
  assert.deepEqual(
    selectReportPayments(file, narrow).payments.map((record) => record.id),
    ['early', 'other-own', 'alerting'],
  );
});

test('amounts are converted with the one rate table and counterparties get the facts the filer gives', () => {
  const sar = { ...alerting, data: { amount: 100, currency: 'SAR', payer_country: 'SA' } };
  const file: CaseFile = { ...offenderCase, events: [sar] };
  const configured = parseReportFiler(
    {
      reporting_entity: {
        goaml: {
          rentity_id: 1,
          branch: 'HQ',
          local_currency: 'PHP',
          reporting_user_code: 'TEST01',
          location: { street: '1 Example Street', city: 'Manila', country: 'PH' },
        },
      },
      counterparties: {
        'acct-payee': {
          country: 'PH',
          account: { institution_name: 'Example Wallet Co', institution_code: 'EWC', number: 'W-1' },
        },
      },
      currency: { rates: { SAR: { PHP: 14.9, USD: 0.2667 } } },
    },
    'test',
  );
  const [only] = reportCaseFromCase(file, configured, options).payments;
  assert.equal(only?.amountLocal, 1490);
  assert.equal(only?.amountUsd, 26.67);
  assert.equal(only?.record.payee.country, 'PH');
  assert.equal(only?.counterpartyAccount?.number, 'W-1');
});
