import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isEngineError } from '../../../core/index.js';
import type { RuleContext } from '../../rule-context.js';
import { manyDevicesPerAccount } from './rule.js';

function context(devices: number | null | undefined): RuleContext {
  const event = { id: 'e1', type: 'session.started', time: '', timeMs: 0, entities: { user: 'u1' }, data: {} };
  return devices === undefined ? { event } : { event, features: { user_distinct_devices_24h: devices } };
}

test('fires at the threshold with a review verdict and a reason', () => {
  const rule = manyDevicesPerAccount.configure();
  assert.equal(rule.evaluate(context(4)).fired, false);
  const result = rule.evaluate(context(5));
  assert.equal(result.fired, true);
  assert.equal(result.reason, 'account used from 5 distinct devices in 24 hours (threshold 5)');
  assert.deepEqual(result.effects, [{ kind: 'verdict', verdict: 'review', reason: result.reason }]);
});

test('does not fire when the feature is not available', () => {
  const rule = manyDevicesPerAccount.configure();
  assert.equal(rule.evaluate(context(null)).fired, false);
  assert.equal(rule.evaluate(context(undefined)).fired, false);
});

test('threshold, feature and verdict are configuration, validated', () => {
  const rule = manyDevicesPerAccount.configure({ threshold: 10, verdict: 'block' });
  assert.equal(rule.evaluate(context(9)).fired, false);
  assert.equal(rule.evaluate(context(10)).effects?.[0]?.kind, 'verdict');
  for (const config of [{ threshold: 1 }, { threshold: 2.5 }, { verdict: 'ban' }, { feature: 'Bad-Name' }]) {
    assert.throws(
      () => manyDevicesPerAccount.configure(config),
      (error: unknown) =>
        isEngineError(error) &&
        error.code === 'CONFIG_INVALID' &&
        error.message.startsWith("built-in rule 'many_devices_per_account' config is invalid: "),
    );
  }
});
