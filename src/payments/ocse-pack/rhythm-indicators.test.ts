import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PaymentRecord } from '../payment-record.js';
import { createOcsePaymentsPack } from './index.js';
import { fired, payment, run } from './ocse-pack-test-support.js';

const m01 = 'ocse_m01_regular_support';
const f18 = 'ocse_f18_irregular_timing';
const f19 = 'ocse_f19_dispersed_amounts';

/** Corridor payments to one payee on `days` with `amounts` (AUD), as a plain bank export has them. */
function series(days: readonly number[], amounts: (index: number) => number): PaymentRecord[] {
  return days.map((at, index) => {
    const {
      channel: _channel,
      declaredRelationship: _relationship,
      ...record
    } = payment(at, { amount: amounts(index) });
    return record;
  });
}

test('M01 fires on regular support (steady period, stable amounts, 4+ payments) and gives negative T1 points', () => {
  const weekly = series([0, 7, 14, 21, 28], (index) => 100 + (index % 2) * 5);
  const hits = run(weekly);
  assert.match(
    hits.get(m01)?.[0] ?? '',
    /^regular support \(lowers the score by 20\): 4 payments to this payee over 3 weeks, weekly, amounts within ±\d %/,
  );
  assert.equal(fired(run(weekly.slice(0, 3)), m01), false, 'three payments are too short a history for M01');
  assert.equal(fired(hits, f18), false);
  assert.equal(fired(hits, f19), false);
  const rule = createOcsePaymentsPack().rules.find((candidate) => candidate.id === m01);
  const result = rule?.configure().evaluate({
    event: { id: 'e', type: 'payment.sent', time: '', timeMs: 0, entities: {}, data: {} },
    features: {},
    labels: {},
  });
  assert.equal(result?.fired, false, 'no F01 payment, nothing to mitigate');
  assert.deepEqual(
    run(series([0, 14, 28, 42], () => 200)).get(m01)?.length,
    1,
    'fortnightly support: mitigated from the fourth payment',
  );
});

test('M01 stays silent on dispersed amounts or irregular timing; F18 and F19 say which', () => {
  const varied = run(series([0, 7, 14, 21, 28], (index) => [30, 150, 60, 200, 40][index] as number));
  assert.equal(fired(varied, m01), false);
  assert.equal(fired(varied, f18), false);
  assert.match(varied.get(f19)?.[0] ?? '', /^amounts to this payee vary by ±\d+ % over 3 payments \[F19; /);
  const bursts = run(series([0, 1, 1.5, 12, 13], () => 50));
  assert.equal(fired(bursts, m01), false);
  assert.match(bursts.get(f18)?.[0] ?? '', /at irregular intervals .* \[F18; /);
  assert.equal(fired(bursts, f19), false);
});

test('rhythm indicators need no optional field: no local hour, names, channel, party types or relationship', () => {
  const bare = series([0, 1, 1.5, 12, 13], (index) => 20 + 30 * index).map((record) => {
    const { localHour: _hour, remittanceInfo: _reference, ...rest } = record;
    return {
      ...rest,
      payer: { account: record.payer.account, country: record.payer.country },
      payee: { account: record.payee.account, country: record.payee.country },
    } as PaymentRecord;
  });
  const hits = run(bare);
  assert.equal(fired(hits, f18), true);
  assert.equal(fired(hits, f19), true);
  assert.match(hits.get('ocse_f03_no_apparent_link')?.[0] ?? '', /^inferred, no relationship declared/);
});

test("F03's inference: a payer with a short history to each payee is judged on all its corridor payments; a trip abroad is not inferred on", () => {
  const spread = [0, 1, 2, 5, 6, 12].map((at, index) =>
    payment(at, { payee: { account: `payee-${index % 3}`, country: 'PH' }, amount: 20 + 15 * index }),
  );
  const plain = spread.map(({ declaredRelationship: _relationship, ...record }) => record);
  assert.match(run(plain).get('ocse_f03_no_apparent_link')?.at(-1) ?? '', /payments to small corridor receivers over/);
  // The same payments made at +07:00 while the payer's domestic payments are at +10:00: a trip.
  const home = payment(-3, { payee: { account: 'utility', country: 'AU', type: 'organisation' }, amount: 80 });
  const abroad = plain.map((record) => ({ ...record, time: record.time.replace('+10:00', '+07:00') }));
  assert.equal(fired(run([home, ...abroad]), 'ocse_f03_no_apparent_link'), false);
  assert.equal(fired(run([home, ...plain]), 'ocse_f03_no_apparent_link'), true);
});

test('a trip is withheld: five or more corridor payees within 7 days, or payments at a foreign UTC offset', () => {
  const shops = [0, 0.2, 0.4, 1, 1.3, 2, 3, 4.5].map((at, index) =>
    payment(at, { payee: { account: `shop-${index % 5}`, country: 'PH' }, amount: 15 + 20 * index }),
  );
  const plain = shops.map(({ declaredRelationship: _relationship, channel: _channel, ...record }) => record);
  const hits = run(plain);
  for (const id of ['ocse_f03_no_apparent_link', f18, f19]) assert.equal(fired(hits, id), false, id);
  const fewer = plain.map((record, index) => ({ ...record, payee: { account: `shop-${index % 2}`, country: 'PH' } }));
  assert.equal(fired(run(fewer), f19), true, 'two payees: no trip, the dispersion counts');
});
