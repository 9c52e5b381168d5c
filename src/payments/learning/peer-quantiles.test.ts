import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { percentileRank, weightedQuantiles } from './peer-quantiles.js';

describe('weightedQuantiles', () => {
  test('gives the minimum, evenly spaced quantiles and the maximum of a sample', () => {
    const sample = Array.from({ length: 101 }, (_, value) => ({ value, weight: 1 }));
    const quantiles = weightedQuantiles(sample, 5);
    assert.deepEqual(quantiles, [0, 25, 50, 75, 100]);
  });

  test('weighs values by their weight: one account with many payments counts once', () => {
    // Account A has 9 payments of value 10 (weight 1/9 each); accounts B and C one payment each.
    const sample = [
      ...Array.from({ length: 9 }, () => ({ value: 10, weight: 1 / 9 })),
      { value: 20, weight: 1 },
      { value: 30, weight: 1 },
    ];
    assert.deepEqual(weightedQuantiles(sample, 3), [10, 20, 30]);
  });
});

describe('percentileRank', () => {
  const quantiles = [0, 10, 20, 30, 40];

  test('is 0 below the minimum, 1 above the maximum, linear between quantiles', () => {
    assert.equal(percentileRank(quantiles, -5), 0);
    assert.equal(percentileRank(quantiles, 45), 1);
    assert.equal(percentileRank(quantiles, 15), 0.375);
    assert.equal(percentileRank(quantiles, 30), 0.75);
  });

  test('puts a value shared by a run of quantiles in the middle of the run', () => {
    // 60 % of the group has 0: a 0 is neither the lowest nor the 60th percentile, but the 30th.
    const zeros = [0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4];
    assert.ok(Math.abs(percentileRank(zeros, 0) - 0.3) < 1e-12);
    assert.ok(percentileRank(zeros, 0.5) > 0.6 && percentileRank(zeros, 0.5) < 0.7);
  });

  test('never decreases as the value grows', () => {
    const stepped = [1, 1, 2, 5, 5, 5, 9];
    let previous = -1;
    for (let value = 0; value <= 10; value += 0.25) {
      const rank = percentileRank(stepped, value);
      assert.ok(rank >= previous, `rank of ${value} fell to ${rank}`);
      previous = rank;
    }
  });
});
