import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { explainScore } from './explain-score.js';
import type { PayerScore } from './score-payer.js';

const score: PayerScore = {
  probability: 0.934,
  alert: true,
  score: 2.6,
  contributions: [
    { feature: 'night_share', value: 0.8, contribution: 1.204, peerPercentile: 0.991, peerGroup: 'GB>PH:adult' },
    { feature: 'payees_90d', value: 4, contribution: 0.9, peerPercentile: 0.62 },
    { feature: 'regular_payee_share', value: 0.75, contribution: -0.412 },
    { feature: 'amount_cv', value: 0.123456, contribution: 0.05 },
    { feature: 'noise', value: 1, contribution: 0 },
  ],
};

describe('explainScore', () => {
  test('gives the probability and the top contributions with values, peer percentiles and signs', () => {
    assert.equal(
      explainScore(score),
      'model 0.93: night_share 0.8 (99th pct of GB>PH:adult) +1.20, payees_90d 4 (62nd pct of all payers) +0.90, regular_payee_share 0.75 -0.41',
    );
  });

  test('takes as many reasons as asked, leaving out features that moved nothing', () => {
    assert.equal(explainScore(score, 1), 'model 0.93: night_share 0.8 (99th pct of GB>PH:adult) +1.20');
    assert.match(explainScore(score, 10), /amount_cv 0\.123 \+0\.05$/);
    assert.equal(
      explainScore({ probability: 0.01, alert: false, score: -4, contributions: [] }),
      'model 0.01: no feature moved the score',
    );
  });

  test('writes ordinals as English does', () => {
    const at = (peerPercentile: number) =>
      explainScore({ ...score, contributions: [{ feature: 'f', value: 1, contribution: 1, peerPercentile }] });
    assert.match(at(0.01), /1st pct/);
    assert.match(at(0.12), /12th pct/);
    assert.match(at(0.23), /23rd pct/);
    assert.match(at(1), /100th pct/);
  });
});
