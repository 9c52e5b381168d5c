import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { erde, precisionAtRecall, quantile, recallAtFalsePositiveRate } from './chat-metrics.js';

// Hand-worked ranking: 4 positives (one never scored), 2 negatives. Thresholds, highest first:
// ≥0.9 TP1 FP0 (R .25 P 1) · ≥0.8 TP1 FP1 (R .25 P .5) · ≥0.7 TP2 FP1 (R .5 P .667)
// ≥0.6 TP3 FP1 (R .75 P .75) · ≥0.5 TP3 FP2 (R .75 P .6). A score of 0 is never flagged.
const ranking = [
  { score: 0.9, positive: true },
  { score: 0.8, positive: false },
  { score: 0.7, positive: true },
  { score: 0.6, positive: true },
  { score: 0.5, positive: false },
  { score: 0, positive: true },
];

describe('chat metrics against hand-computed examples', () => {
  test('precision at recall: the best precision among thresholds reaching the recall', () => {
    assert.equal(precisionAtRecall(ranking, 0.75), 0.75);
    assert.equal(precisionAtRecall(ranking, 0.5), 0.75);
    assert.equal(precisionAtRecall(ranking, 0.25), 1);
    assert.equal(precisionAtRecall(ranking, 0.9), null, 'the unscored positive makes 0.9 unreachable');
    assert.equal(precisionAtRecall([{ score: 1, positive: false }], 0.5), null, 'no positives');
    // Ties are flagged together: one operating point, TP 1 FP 1.
    assert.equal(
      precisionAtRecall(
        [
          { score: 1, positive: true },
          { score: 1, positive: false },
        ],
        1,
      ),
      0.5,
    );
  });

  test('recall at a false-positive rate: the best recall among thresholds within the rate', () => {
    assert.equal(recallAtFalsePositiveRate(ranking, 0.01), 0.25);
    assert.equal(recallAtFalsePositiveRate(ranking, 0.5), 0.75);
    assert.equal(recallAtFalsePositiveRate(ranking, 1), 0.75);
    assert.equal(
      recallAtFalsePositiveRate(
        [
          { score: 1, positive: false },
          { score: 0.5, positive: true },
        ],
        0.01,
      ),
      0,
      'the negative outranks the positive: no threshold stays within 1 %',
    );
    assert.equal(recallAtFalsePositiveRate([{ score: 1, positive: true }], 0.01), null, 'no negatives');
  });

  test('ERDE: true positive 1 − 1/(1 + e^(k − o)), false negative 1, false positive c, true negative 0', () => {
    const decisions = [
      { positive: true, alerted: true, delay: 5 },
      { positive: true, alerted: false, delay: 1 },
      { positive: false, alerted: true, delay: 1 },
      { positive: false, alerted: false, delay: 1 },
    ];
    // o = 5: the true positive costs 1 − 1/(1 + e^0) = 0.5; (0.5 + 1 + 0.5 + 0) / 4.
    assert.equal(erde(decisions, 5, 0.5), 0.5);
    // o = 50: decided long before 50 messages, it costs ~0; (0 + 1 + 0.5 + 0) / 4.
    assert.ok(Math.abs((erde(decisions, 50, 0.5) ?? 0) - 0.375) < 1e-12);
    // Late: k = 8 with o = 5 costs 1 − 1/(1 + e^3) ≈ 0.9526.
    assert.ok(Math.abs((erde([{ positive: true, alerted: true, delay: 8 }], 5, 0.5) ?? 0) - 0.952574) < 1e-6);
    assert.equal(erde([], 5, 0.5), null);
  });

  test('quantiles by nearest rank', () => {
    assert.equal(quantile([4, 1, 3, 2], 0.5), 2);
    assert.equal(quantile([4, 1, 3, 2], 0.9), 4);
    assert.equal(quantile([7], 0.9), 7);
    assert.equal(quantile([], 0.5), null);
  });
});
