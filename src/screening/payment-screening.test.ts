import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isEngineError } from '../core/index.js';
import type { PaymentRecord } from '../payments/index.js';
import { fromPaymentEvent, toPaymentEvent } from '../payments/index.js';
import { screenPayments } from './payment-screening.js';
import { evaluateScreening } from './screening-evaluation.js';

const day = 86_400_000;
const start = Date.parse('2026-02-01T00:00:00Z');
let sequence = 0;

function at(ms: number, offsetHours: number): string {
  const local = new Date(ms + offsetHours * 3_600_000).toISOString().slice(0, 19);
  const sign = offsetHours < 0 ? '-' : '+';
  return `${local}${sign}${String(Math.abs(offsetHours)).padStart(2, '0')}:00`;
}

function payment(ms: number, fields: Partial<PaymentRecord> & Pick<PaymentRecord, 'payer' | 'payee'>): PaymentRecord {
  return { id: `p${++sequence}`, time: at(ms, 0), amount: 50, currency: 'USD', channel: 'mto_online', ...fields };
}

/** Synthetic: an offender paying three receivers at night, round amounts, cover-story references. */
function offender(): PaymentRecord[] {
  return Array.from({ length: 10 }, (_, index) =>
    payment(start + index * 3 * day + 13 * 3_600_000, {
      time: at(start + index * 3 * day + 13 * 3_600_000, 10),
      localHour: 23,
      payer: { account: 'offender-1', country: 'AU', type: 'individual', birthCountry: 'AU' },
      payee: { account: `receiver-${index % 3}`, country: 'PH', type: 'individual' },
      amount: 60,
      currency: 'AUD',
      remittanceInfo: index % 2 === 0 ? 'school fees' : 'medicine',
      declaredRelationship: 'friend',
      fundingInstrument: `card-${index % 4}`,
    }),
  );
}

/** Synthetic: a family remitter on the same corridor, declared parent, born in the country. */
function family(): PaymentRecord[] {
  return Array.from({ length: 6 }, (_, index) =>
    payment(start + index * 7 * day, {
      localHour: 23,
      payer: { account: 'family-1', country: 'US', type: 'individual', birthCountry: 'PH' },
      payee: { account: 'parent-1', country: 'PH', type: 'individual' },
      amount: 200,
      remittanceInfo: 'for mama',
      declaredRelationship: 'parent',
    }),
  );
}

/** Synthetic: six young payers pay one account, which passes the money abroad the next day. */
function mule(): PaymentRecord[] {
  const inflow = Array.from({ length: 6 }, (_, index) =>
    payment(start + 40 * day + index * 3_600_000, {
      payer: { account: `young-${index}`, country: 'US', type: 'individual', birthDate: '2008-05-05' },
      payee: { account: 'mule-1', country: 'US', type: 'individual' },
      channel: 'p2p_wallet',
      amount: 100,
    }),
  );
  const forward = payment(start + 41 * day, {
    payer: { account: 'mule-1', country: 'US', type: 'individual', birthDate: '1996-01-01' },
    payee: { account: 'abroad-1', country: 'NG', type: 'individual' },
    amount: 560,
  });
  return [...inflow, forward];
}

test('screening runs the full engine: the offender and the mule alert, the family remitter does not', async () => {
  const records = [...offender(), ...family(), ...mule()].sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  const progress: number[] = [];
  const result = await screenPayments([records.slice(0, 10), records.slice(10)], {
    onProgress: (count) => progress.push(count),
  });
  assert.equal(result.payments, records.length);
  assert.deepEqual(progress, [10, records.length]);
  const byTypology = new Map(result.alerts.map((alert) => [`${alert.typology}:${alert.subject.id}`, alert]));
  const payer = byTypology.get('ocse_livestream_payer:offender-1');
  assert.ok(payer, JSON.stringify(result.alerts.map((alert) => [alert.typology, alert.subject.id])));
  assert.equal(payer.subject.type, 'payment_account');
  assert.ok(payer.score >= 60);
  assert.ok(payer.reasons.some((reason) => reason.includes('[F02;')));
  assert.ok(Date.parse(payer.firstSeen) <= Date.parse(payer.lastSeen));
  // F17 reads the mule's inflow when it pays onwards and scores the mule, not its payee.
  assert.ok(byTypology.has('sextortion_mule:mule-1'));
  assert.equal([...byTypology.keys()].filter((key) => key.endsWith(':family-1')).length, 0);
  assert.equal([...byTypology.keys()].filter((key) => key.endsWith(':abroad-1')).length, 0);

  const evaluation = evaluateScreening(
    result.alerts,
    [
      { account: 'offender-1', kind: 'offender', typology: 'ocse_livestream_payer' },
      { account: 'mule-1', kind: 'mule', typology: 'sextortion_mule' },
      { account: 'family-1', kind: 'legitimate', typology: null, persona: 'family_remittance' },
    ],
    8,
  );
  assert.deepEqual(
    evaluation.kinds.map((kind) => [kind.kind, kind.recall]),
    [
      ['mule', 1],
      ['offender', 1],
    ],
  );
});

test('regular support to a friend abroad is mitigated (M01) before it can alert, whatever the rules order', async () => {
  // Weekly, at night, round, "gift", declared friend, no birth link: without M01 the T1 core and
  // four boosters (F04, F05, F07 …) reach the alert threshold on the fourth payment.
  const partner = Array.from({ length: 6 }, (_, index) =>
    payment(start + index * 7 * day + 13 * 3_600_000, {
      time: at(start + index * 7 * day + 13 * 3_600_000, 10),
      localHour: 23,
      payer: { account: 'partner-1', country: 'AU', type: 'individual', birthCountry: 'AU' },
      payee: { account: 'friend-1', country: 'PH', type: 'individual' },
      amount: 100,
      currency: 'AUD',
      remittanceInfo: 'gift',
      declaredRelationship: 'friend',
    }),
  );
  const result = await screenPayments([partner]);
  assert.deepEqual(
    result.alerts.map((alert) => [alert.typology, alert.subject.id, alert.score]),
    [],
    'regular weekly support: no alert',
  );
  const irregular = partner.map((record, index) => ({
    ...record,
    amount: [100, 30, 150, 60, 120, 40][index] as number,
  }));
  const alerted = await screenPayments([irregular]);
  const t1 = alerted.alerts.find((alert) => alert.typology === 'ocse_livestream_payer');
  assert.ok(t1, 'the same payments in dispersed amounts are not regular support: T1 alerts');
  assert.ok(t1.reasons.some((reason) => reason.includes('[F19;')));
});

test('screening twice the same payments counts duplicates and changes nothing', async () => {
  const records = offender();
  const once = await screenPayments([records]);
  const twice = await screenPayments([records, records]);
  assert.equal(twice.duplicates, records.length);
  assert.deepEqual(twice.alerts, once.alerts);
});

test('an invalid payment is refused by name and stops the screening', async () => {
  const bad = { ...offender()[0], id: 'bad-1', currency: 'usd' } as PaymentRecord;
  await assert.rejects(
    screenPayments([[bad]]),
    (error) =>
      isEngineError(error) && error.code === 'EVENT_INVALID' && /payment bad-1: data\.currency/.test(error.message),
  );
});

test('a payment survives the trip to an event and back', () => {
  for (const record of [...offender().slice(0, 2), ...mule().slice(-1)]) {
    const event = toPaymentEvent(record);
    assert.equal(event.entities.payment_relationship, `${record.payer.account}→${record.payee.account}`);
    assert.deepEqual(fromPaymentEvent(event), record);
  }
  assert.equal(fromPaymentEvent({ id: 'x', type: 'gift.sent', time: '', entities: {}, data: {} }), undefined);
});
