import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FloodGuard } from './flood-guard.js';

describe('FloodGuard', () => {
  test('flags an item exactly once when it passes the absolute floor in one window', () => {
    let now = 0;
    const guard = new FloodGuard({ windowMs: 1000, minimumMatches: 5, multiplier: 10 }, () => now);
    const flags = Array.from({ length: 10 }, () => guard.record(42));
    assert.deepEqual(flags, [false, false, false, false, false, true, false, false, false, false]);
    now = 500;
    assert.equal(guard.record(7), false, 'other items are counted apart');
    assert.equal(guard.countOf(42), 10);
  });

  test('an item with a high baseline needs multiplier × baseline, not just the floor', () => {
    let now = 0;
    const guard = new FloodGuard({ windowMs: 1000, minimumMatches: 50, multiplier: 3 }, () => now);
    // Ten windows of 40 matches each build a baseline of about 40 × (1 − 0.8^10) ≈ 36.
    for (let window = 0; window < 10; window++) {
      now = window * 1000;
      for (let i = 0; i < 40; i++)
        assert.equal(guard.record(1), false, `steady traffic is not a flood (window ${window})`);
    }
    now = 10_000;
    let flaggedAt = -1;
    for (let i = 1; i <= 200 && flaggedAt < 0; i++) if (guard.record(1)) flaggedAt = i;
    assert.ok(flaggedAt > 90 && flaggedAt < 120, `flagged at ${flaggedAt}, about 3 × the baseline`);
  });

  test('counts restart in a new window; a released item can be flagged again', () => {
    let now = 0;
    const guard = new FloodGuard({ windowMs: 1000, minimumMatches: 2, multiplier: 1 }, () => now);
    guard.record(9);
    guard.record(9);
    now = 1500;
    assert.equal(guard.countOf(9), 2);
    guard.record(9);
    assert.equal(guard.countOf(9), 1, 'a new window starts from zero');
    for (let i = 0; i < 5; i++) guard.record(9);
    guard.release(9);
    assert.equal(guard.countOf(9), 0);
  });
});
