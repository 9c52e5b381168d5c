import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defaultOcseSettings, type PaymentRecord } from '../payments/index.js';
import { compareWithBaseline } from './baseline-comparison.js';
import { NaiveScreen, naiveScreenSettings, naiveTypology } from './naive-screen.js';

const settings = naiveScreenSettings(defaultOcseSettings);
let sequence = 0;

/** A payment from a US payer at 23:xx local (-05:00) of 50 USD to a person in the Philippines. */
function payment(fields: Partial<PaymentRecord> = {}): PaymentRecord {
  sequence += 1;
  return {
    id: `n${sequence}`,
    time: `2026-02-${String(1 + (sequence % 27)).padStart(2, '0')}T23:10:00-05:00`,
    payer: { account: 'payer-1', country: 'US' },
    payee: { account: 'payee-1', country: 'PH' },
    amount: 50,
    currency: 'USD',
    localHour: 23,
    ...fields,
  };
}

describe('the naive screen', () => {
  test('its settings come from the pack: corridors, night hours, the top of the F01 band, three payments', () => {
    assert.equal(settings.minimumPayments, 3);
    assert.equal(settings.smallBelowUsd, 350);
    assert.deepEqual(settings.nightHours, [22, 6]);
    assert.ok(settings.corridors.includes('PH') && !settings.corridors.includes('US'));
  });

  test('a payment qualifies only when night-time, small and into a corridor from another country', () => {
    const screen = new NaiveScreen(settings);
    assert.equal(screen.qualifies(payment()), true);
    assert.equal(screen.qualifies(payment({ localHour: 5 })), true, '05:xx is night');
    assert.equal(screen.qualifies(payment({ localHour: 6 })), false, '06:00 ends the night');
    assert.equal(screen.qualifies(payment({ localHour: 21 })), false);
    assert.equal(screen.qualifies(payment({ localHour: 22 })), true);
    const { localHour: _, ...noHour } = payment();
    assert.equal(screen.qualifies(noHour), false, 'no offset, no local hour: never night');
    assert.equal(screen.qualifies(payment({ amount: 349.99 })), true);
    assert.equal(screen.qualifies(payment({ amount: 350 })), false, 'small is below the threshold');
    assert.equal(screen.qualifies(payment({ amount: 5000, currency: 'PHP' })), true, '5,000 PHP ≈ 85 USD');
    assert.equal(screen.qualifies(payment({ amount: 20, currency: 'XXX' })), false, 'no rate, not small');
    assert.equal(screen.qualifies(payment({ payee: { account: 'p', country: 'PL' } })), false, 'not a corridor');
    assert.equal(screen.qualifies(payment({ payee: { account: 'p' } })), false, 'no payee country');
    assert.equal(
      screen.qualifies(payment({ payer: { account: 'local', country: 'PH' } })),
      false,
      'domestic, not a corridor',
    );
    assert.equal(
      screen.qualifies(payment({ payee: { account: 'shop', country: 'PH', type: 'organisation' } })),
      true,
      'the naive screen ignores party types (a plain export has none)',
    );
  });

  test('alerts a payer at three qualifying payments, once, with its count, reason and span', () => {
    const screen = new NaiveScreen(settings);
    screen.add(payment({ time: '2026-02-03T23:10:00-05:00' }));
    screen.add(payment({ time: '2026-02-01T23:10:00-05:00' }));
    screen.add(payment({ localHour: 14, time: '2026-02-02T14:00:00-05:00' }));
    assert.deepEqual(screen.alerts(), [], 'two qualifying payments are not enough');
    screen.add(payment({ time: '2026-02-09T01:30:00-05:00', localHour: 1 }));
    screen.add(payment({ payer: { account: 'payer-2', country: 'GB' } }));
    const alerts = screen.alerts();
    assert.equal(alerts.length, 1);
    const [alert] = alerts;
    assert.deepEqual(alert?.subject, { type: 'payment_account', id: 'payer-1' });
    assert.equal(alert?.typology, naiveTypology);
    assert.equal(alert?.score, 3);
    assert.match(alert?.reasons[0] ?? '', /3 payments under USD 350 .* \(threshold 3\) \[naive baseline\]/);
    assert.equal(alert?.firstSeen, '2026-02-02T04:10:00.000Z');
    assert.equal(alert?.lastSeen, '2026-02-09T06:30:00.000Z');
  });

  test('refuses a minimum below one', () => {
    assert.throws(() => new NaiveScreen({ ...settings, minimumPayments: 0 }), RangeError);
  });
});

describe('compareWithBaseline', () => {
  test('per planted typology: Prevail for its typology, with any alert, and the baseline; legitimate alert rates', () => {
    const alert = (id: string, typology: string) => ({
      subject: { type: 'payment_account', id },
      typology,
      score: 90,
      reasons: [],
      firstSeen: '2026-01-01T00:00:00.000Z',
      lastSeen: '2026-01-01T00:00:00.000Z',
    });
    const labels = [
      { account: 'o1', kind: 'offender', typology: 'ocse_livestream_payer' },
      { account: 'o2', kind: 'offender', typology: 'ocse_livestream_payer' },
      { account: 'v1', kind: 'sextortion_victim', typology: 'sextortion_victim' },
      { account: 'l1', kind: 'legitimate', typology: null, persona: 'night_shift_family' },
      { account: 'l2', kind: 'legitimate', typology: null, persona: 'family_remittance' },
    ];
    const comparison = compareWithBaseline(
      'naive',
      [alert('o1', 'ocse_livestream_payer'), alert('o2', 'ocse_facilitator'), alert('l1', 'ocse_livestream_payer')],
      [alert('o2', naiveTypology), alert('l1', naiveTypology), alert('l2', naiveTypology)],
      labels,
      10,
    );
    assert.deepEqual(comparison.rows, [
      {
        typology: 'ocse_livestream_payer',
        planted: 2,
        prevailRecall: 0.5,
        prevailAnyAlertRecall: 1,
        baselineRecall: 0.5,
      },
      { typology: 'sextortion_victim', planted: 1, prevailRecall: 0, prevailAnyAlertRecall: 0, baselineRecall: 0 },
    ]);
    assert.deepEqual(comparison.prevail, { alerted: 1, rate: 0.1 });
    assert.deepEqual(comparison.baselineLegitimate, { alerted: 2, rate: 0.2 });
    assert.deepEqual(comparison.baselineEvaluation.falsePositivesByPersona, {
      night_shift_family: 1,
      family_remittance: 1,
    });
  });
});
