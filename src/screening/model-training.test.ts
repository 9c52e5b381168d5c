import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isEngineError } from '../core/index.js';
import { type PaymentRecord, parsePayerModel, payerModelTypology } from '../payments/index.js';
import { simulatePayments } from '../simulate/index.js';
import { compareModelWithRules } from './model-comparison.js';
import { screenCapturingModelInputs, trainingLabels, trainPayerModelOnPayments } from './model-training.js';
import { screenPayments } from './payment-screening.js';

function batches(records: Iterable<PaymentRecord>, size = 1000): PaymentRecord[][] {
  const out: PaymentRecord[][] = [[]];
  for (const record of records) {
    if ((out.at(-1)?.length ?? 0) >= size) out.push([]);
    out.at(-1)?.push(record);
  }
  return out;
}

describe('trainingLabels', () => {
  test('scenario labels: T1 offenders 1, legitimate 0, other planted kinds left out', () => {
    const labels = trainingLabels([
      { account: 'a', kind: 'offender', typology: 'ocse_livestream_payer' },
      { account: 'b', kind: 'legitimate', persona: 'tourist', typology: null },
      { account: 'c', kind: 'sextortion_victim', typology: 'sextortion_victim' },
    ]);
    assert.deepEqual(
      [...labels],
      [
        ['a', 1],
        ['b', 0],
      ],
    );
  });

  test('decisions: confirmed T1 or untyped 1, dismissed 0, confirmed other typology left out, last wins', () => {
    const labels = trainingLabels([
      { account: 'a', decision: 'confirmed', typology: 'ocse_livestream_payer' },
      { account: 'b', decision: 'dismissed', typology: 'sextortion_victim' },
      { account: 'c', decision: 'confirmed', typology: 'sextortion_victim' },
      { account: 'd', decision: 'confirmed' },
      { account: 'd', decision: 'dismissed' },
      { account: 'e', decision: 'confirmed', typology: payerModelTypology },
    ]);
    assert.deepEqual(Object.fromEntries(labels), { a: 1, b: 0, d: 0, e: 1 });
  });

  test('a line that is neither is refused with its number', () => {
    for (const line of [null, 'x', { kind: 'offender' }, { account: 'a' }, { account: 'a', decision: 'maybe' }]) {
      assert.throws(
        () => trainingLabels([{ account: 'ok', typology: null }, line]),
        (error: unknown) => isEngineError(error) && error.code === 'REQUEST_INVALID' && /line 2/.test(error.message),
      );
    }
  });
});

describe('the payer model beside the rules', () => {
  // Synthetic scenarios; trained on one seed, scored on another it never saw.
  const train = simulatePayments({ seed: 1, accounts: 1500, days: 45, profile: 'mto' });
  const unseen = simulatePayments({ seed: 12, accounts: 1500, days: 45, profile: 'mto' });
  const labelsOf = (simulation: typeof train) => [...simulation.labels, ...simulation.legitimate];

  test('a capture keeps inputs of labelled payers only, named features with peer groups', async () => {
    const labels = trainingLabels(labelsOf(train));
    const only = new Map([...labels].slice(0, 200));
    const captured = await screenCapturingModelInputs(batches(train.payments), only);
    assert.ok(captured.examples.length > 0);
    for (const example of captured.examples) {
      assert.ok(only.has(example.account), example.account);
      assert.equal(example.label, only.get(example.account));
      assert.match(example.peerGroup ?? '', /^([A-Z]{2}|\?)>([A-Z]{2}|\?):(young|adult|age_unknown)$/);
      for (const value of Object.values(example.features)) assert.ok(Number.isFinite(value));
    }
    const names = new Set(captured.examples.flatMap((example) => Object.keys(example.features)));
    assert.ok(names.has('hit_ocse_f01_small_corridor_payment'));
    assert.ok(names.has('ocse_f01_count_30d'));
    assert.ok(names.has('amount_usd'));
    // The capture never changes what the rules find.
    const plain = await screenPayments(batches(train.payments));
    assert.deepEqual(captured.screening.alerts, plain.alerts);
  });

  test('trained on one seed, it finds T1 payers on another and reports beside the rules', async () => {
    const { model, examples } = await trainPayerModelOnPayments(
      batches(train.payments),
      trainingLabels(labelsOf(train)),
    );
    assert.ok(examples > 0);
    const roundTrip = parsePayerModel(JSON.parse(JSON.stringify(model)));
    const screened = await screenPayments(batches(unseen.payments), { payerModel: { model: roundTrip } });
    const modelAlerts = screened.alerts.filter((alert) => alert.typology === payerModelTypology);
    for (const alert of modelAlerts) assert.match(alert.reasons.join(' '), /^model /);
    const payers = new Set([...unseen.payments].map((record) => record.payer.account));
    const planted = new Set(unseen.labels.map((label) => label.account));
    const senders = [...payers].filter((payer) => !planted.has(payer)).length;
    const comparison = compareModelWithRules(screened.alerts, labelsOf(unseen), senders);
    assert.ok(comparison.plantedPayers > 0);
    assert.ok(comparison.model.payersAlerted > 0, JSON.stringify(comparison));
    assert.ok(comparison.rulesOrModel.payersAlerted >= comparison.rules.payersAlerted);
    assert.ok(comparison.model.alertRate < 0.02, JSON.stringify(comparison));
  });
});

describe('compareModelWithRules', () => {
  const alert = (id: string, typology: string) => ({
    subject: { type: 'payment_account', id },
    typology,
    score: 100,
    reasons: [],
    firstSeen: '2026-01-01T00:00:00.000Z',
    lastSeen: '2026-01-01T00:00:00.000Z',
  });
  const labels = [
    { account: 'p1', kind: 'offender', typology: 'ocse_livestream_payer' },
    { account: 'p2', kind: 'offender', typology: 'ocse_livestream_payer' },
    { account: 'v1', kind: 'sextortion_victim', typology: 'sextortion_victim' },
  ];

  test('counts T1 payers per side and legitimate senders alerted, the union for the promoted model', () => {
    const comparison = compareModelWithRules(
      [
        alert('p1', 'ocse_livestream_payer'),
        alert('l1', 'sextortion_victim'),
        alert('p2', payerModelTypology),
        alert('l2', payerModelTypology),
        alert('v1', payerModelTypology),
      ],
      labels,
      100,
    );
    assert.equal(comparison.plantedPayers, 2);
    assert.deepEqual(comparison.rules, { payersAlerted: 1, recall: 0.5, legitimateAlerted: 1, alertRate: 0.01 });
    assert.deepEqual(comparison.model, { payersAlerted: 1, recall: 0.5, legitimateAlerted: 1, alertRate: 0.01 });
    assert.deepEqual(comparison.rulesOrModel, { payersAlerted: 2, recall: 1, legitimateAlerted: 2, alertRate: 0.02 });
  });
});
