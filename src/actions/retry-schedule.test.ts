import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CircuitBreaker, nextAttemptMs } from './index.js';

const policy = { baseMs: 100, capMs: 1000, deadlineMs: 10_000, maxAttempts: 5 };

describe('retry schedule and circuit breaker', () => {
  test('the wait is full jitter under a doubling ceiling, capped', () => {
    assert.equal(
      nextAttemptMs(policy, 1, 0, 0, () => 0.999),
      99,
    );
    assert.equal(
      nextAttemptMs(policy, 3, 0, 0, () => 0.5),
      200,
    );
    assert.equal(
      nextAttemptMs(policy, 4, 0, 0, () => 0.999),
      799,
    );
    assert.equal(
      nextAttemptMs(policy, 4, 0, 0, () => 0),
      0,
    );
  });

  test('retries stop at the attempt bound and at the time bound', () => {
    assert.equal(
      nextAttemptMs(policy, 5, 0, 0, () => 0),
      undefined,
    );
    assert.equal(
      nextAttemptMs(policy, 2, 0, 9_990, () => 0.5),
      undefined,
    );
    assert.equal(
      nextAttemptMs(policy, 2, 0, 9_000, () => 0.5),
      9_100,
    );
  });

  test('the breaker opens after the threshold, lets one probe through after the cooldown, and a failed probe reopens it', () => {
    const breaker = new CircuitBreaker(2, 1000);
    assert.equal(breaker.allowance(0, 4), 4);
    breaker.failed(0);
    assert.equal(breaker.state(0), 'closed');
    breaker.failed(10);
    assert.equal(breaker.state(500), 'open');
    assert.equal(breaker.allowance(500, 4), 0);
    assert.equal(breaker.allowance(1010, 4), 1);
    breaker.probing(1010);
    assert.equal(breaker.allowance(1010, 4), 0, 'one probe at a time');
    breaker.failed(1020);
    assert.equal(breaker.state(1500), 'open');
    breaker.probing(2100);
    breaker.succeeded();
    assert.equal(breaker.state(2100), 'closed');
    assert.equal(breaker.allowance(2100, 4), 4);
  });
});
