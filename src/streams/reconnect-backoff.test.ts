import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defaultReconnectPolicy, ReconnectBackoff, reconnectPolicy } from './reconnect-backoff.js';

describe('ReconnectBackoff', () => {
  test('doubles from the initial delay up to the cap, within half and all of each step', () => {
    const low = new ReconnectBackoff({ ...defaultReconnectPolicy, maxReconnects: 20 }, () => 0);
    const high = new ReconnectBackoff({ ...defaultReconnectPolicy, maxReconnects: 20 }, () => 1);
    const lows = Array.from({ length: 7 }, () => low.nextDelay());
    const highs = Array.from({ length: 7 }, () => high.nextDelay());
    assert.deepEqual(highs, [1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    assert.deepEqual(lows, [500, 1000, 2000, 4000, 8000, 15000, 15000]);
  });

  test('gives up after maxReconnects in a row, and starts over after a healthy stretch', () => {
    const backoff = new ReconnectBackoff(reconnectPolicy({ maxReconnects: 2, healthyAfterMs: 60_000 }), () => 1);
    backoff.nextDelay();
    backoff.nextDelay();
    assert.equal(backoff.exhausted, true);
    backoff.healthySince(0, 59_999);
    assert.equal(backoff.attempts, 2, 'not healthy long enough');
    backoff.healthySince(0, 60_000);
    assert.equal(backoff.attempts, 0);
    assert.equal(backoff.exhausted, false);
    assert.equal(backoff.nextDelay(), 1000, 'the delay starts over too');
  });

  test('refuses nonsense policies', () => {
    assert.throws(() => reconnectPolicy({ initialDelayMs: -1 }), { code: 'CONFIG_INVALID' });
    assert.throws(() => reconnectPolicy({ initialDelayMs: 5000, maxDelayMs: 1000 }), { code: 'CONFIG_INVALID' });
    assert.throws(() => reconnectPolicy({ maxReconnects: 1.5 }), { code: 'CONFIG_INVALID' });
    assert.equal(reconnectPolicy({ maxReconnects: Number.POSITIVE_INFINITY }).maxReconnects, Number.POSITIVE_INFINITY);
  });
});
