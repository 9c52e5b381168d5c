import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EngineError } from '../../core/index.js';
import { evaluatePayerModel } from './evaluate-payer-model.js';
import { syntheticExamples } from './learning-test-support.js';
import { scoreAccount } from './score-payer.js';
import { trainPayerModel } from './train-payer-model.js';

const training = syntheticExamples({ seed: 3, negatives: 300, positives: 25, separation: 1.5 });
const model = trainPayerModel(training, { trainedAt: new Date('2026-12-01T00:00:00Z'), targetAlertRate: 0.02 });

describe('evaluatePayerModel', () => {
  const unseen = syntheticExamples({ seed: 4, negatives: 300, positives: 25, separation: 1.5 });
  const evaluation = evaluatePayerModel(model, unseen);

  test('counts accounts, not payments, each scored by its best payment', () => {
    assert.equal(evaluation.accounts, 325);
    assert.equal(evaluation.positives, 25);
    assert.equal(evaluation.negatives, 300);
    const offender = unseen.filter((example) => example.account === 'pos-3');
    const best = Math.max(...offender.map((example) => scoreAccount(model, [example])?.probability ?? 0));
    assert.equal(scoreAccount(model, offender)?.probability, best);
    assert.equal(evaluation.recall, evaluation.alertedPositives / 25);
    assert.equal(evaluation.alertRate, evaluation.alertedNegatives / 300);
    assert.equal(evaluation.threshold, model.threshold);
  });

  test('fills ten reliability bins that hold every account once', () => {
    assert.equal(evaluation.reliability.length, 10);
    assert.equal(
      evaluation.reliability.reduce((sum, bin) => sum + bin.accounts, 0),
      325,
    );
    assert.equal(
      evaluation.reliability.reduce((sum, bin) => sum + bin.positives, 0),
      25,
    );
    for (const bin of evaluation.reliability) {
      if (bin.accounts === 0) assert.equal(bin.meanProbability, null);
      else assert.ok((bin.meanProbability ?? -1) >= bin.from && (bin.meanProbability ?? 2) <= bin.to);
    }
    assert.ok((evaluation.brier ?? 1) > 0 && (evaluation.brier ?? 1) < 0.1);
  });

  test('says null, not NaN, for ratios without accounts to count', () => {
    const cleared = evaluatePayerModel(
      model,
      unseen.filter((example) => example.label === 0),
    );
    assert.equal(cleared.recall, null);
    assert.equal(typeof cleared.alertRate, 'number');
    const none = evaluatePayerModel(model, []);
    assert.deepEqual([none.recall, none.alertRate, none.brier], [null, null, null]);
  });

  test('refuses malformed examples as training does', () => {
    assert.throws(
      () => evaluatePayerModel(model, [{ account: 'neg-1', features: { night_share: Number.NaN }, label: 0 }]),
      (error: unknown) => error instanceof EngineError && error.code === 'MODEL_INPUT_INVALID',
    );
  });
});
