import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { testCatalogs } from '../../test/support/rule-catalogs.js';
import type { EngineEvent } from '../events/index.js';
import { builtinRules } from './builtin/index.js';
import { configureBuiltinRules } from './builtin-rule.js';
import { buildRuleSet } from './check-rules.js';
import type { RuleContext } from './rule-context.js';
import type { RuleSet } from './rule-set.js';

function event(type: string, data: Record<string, unknown>, time = '2026-03-01T12:30:00Z'): EngineEvent {
  return { id: 'e1', type, time, timeMs: Date.parse(time), entities: { user: 'u1' }, data };
}

function ruleSetOf(yaml: string, withBuiltins = false): RuleSet {
  const builtins = withBuiltins
    ? configureBuiltinRules(builtinRules, { many_devices_per_account: { mode: 'active' } })
    : [];
  const build = buildRuleSet([{ file: 'rules.yaml', text: yaml }], testCatalogs, { builtins });
  if (!build.ok) assert.fail(build.diagnostics.map((diagnostic) => diagnostic.message).join('\n'));
  return build.ruleSet;
}

const rules = ruleSetOf(`
rules:
  - id: private_stream_after_payment
    description: Private stream soon after a payment to the host
    events: [session.started]
    when: >
      event.data.visibility == "private" && event.data.viewer_count <= 2
      && has(features.payments_to_host_30m) && features.payments_to_host_30m > 0
    mode: active
    reason: private stream right after a payment
    effects:
      - verdict: review
      - label: { entity: user, add: stream_watch, expires: 7d }
      - typology: { name: livestream_payment_pattern, points: 30 }
      - case: { subject: user, priority: high }
  - id: any_private_stream
    description: Any private stream
    events: [session.started, account.updated]
    when: event.data.visibility == "private"
    effects:
      - label: { entity: user, remove: known_good }
  - id: large_payment
    description: A payment above 1000 in any currency
    events: [payment.sent]
    when: event.data.amount > 1000
    effects:
      - verdict: block
        reason: amount above limit
  - id: close_bank_match
    description: A close match in TEST_BANK
    events: [media.matched]
    when: matches.exists(m, m.bank == "TEST_BANK" && m.distance <= 16)
    effects:
      - case: { subject: user, priority: urgent }
  - id: night_time
    description: The event happened between midnight and 5 in UTC
    events: [payment.sent]
    when: event.time.getHours("UTC") < 5 && event.timeMs > 0
    effects:
      - typology: { name: small_cross_border_payments, points: 2.5 }
`);

function hitIds(context: RuleContext, ruleSet: RuleSet = rules): string[] {
  return ruleSet.evaluate(context).hits.map((hit) => hit.ruleId);
}

describe('RuleSet.evaluate', () => {
  test('runs only the rules whose events include the event type, in id order', () => {
    const session = event('session.started', { visibility: 'private', viewer_count: 1 });
    assert.deepEqual(hitIds({ event: session, features: { payments_to_host_30m: 1 } }), [
      'any_private_stream',
      'private_stream_after_payment',
    ]);
    assert.deepEqual(
      rules.rulesFor('session.started').map((rule) => rule.id),
      ['any_private_stream', 'private_stream_after_payment'],
    );
    assert.deepEqual(hitIds({ event: event('message.sent', { visibility: 'private' }) }), []);
    assert.deepEqual(hitIds({ event: event('account.updated', { visibility: 'private' }) }), ['any_private_stream']);
  });

  test('reports shadow hits like active ones, with the mode', () => {
    const session = event('session.started', { visibility: 'private', viewer_count: 2 });
    const { hits } = rules.evaluate({ event: session, features: { payments_to_host_30m: 3 } });
    assert.deepEqual(
      hits.map((hit) => [hit.ruleId, hit.mode, hit.origin]),
      [
        ['any_private_stream', 'shadow', 'operator'],
        ['private_stream_after_payment', 'active', 'operator'],
      ],
    );
  });

  test('effects are typed objects, defaults filled in, frozen', () => {
    const session = event('session.started', { visibility: 'private', viewer_count: 1 });
    const hit = rules.evaluate({ event: session, features: { payments_to_host_30m: 1 } }).hits[1];
    assert.equal(hit?.reason, 'private stream right after a payment');
    assert.deepEqual(hit?.effects, [
      { kind: 'verdict', verdict: 'review', reason: 'private stream right after a payment' },
      { kind: 'label', entity: 'user', action: 'add', label: 'stream_watch', expiresAfterMs: 7 * 86_400_000 },
      { kind: 'typology', typology: 'livestream_payment_pattern', points: 30 },
      { kind: 'case', subject: 'user', priority: 'high' },
    ]);
    assert.equal(Object.isFrozen(hit?.effects[0]), true);
    const payment = event('payment.sent', { amount: 1500 });
    assert.deepEqual(rules.evaluate({ event: payment }).hits[0]?.effects, [
      { kind: 'verdict', verdict: 'block', reason: 'amount above limit' },
    ]);
  });

  test('data numbers are doubles, whole or not, and compare with int literals', () => {
    assert.deepEqual(hitIds({ event: event('payment.sent', { amount: 1001 }) }), ['large_payment']);
    assert.deepEqual(hitIds({ event: event('payment.sent', { amount: 1000.5 }) }), ['large_payment']);
    assert.deepEqual(hitIds({ event: event('payment.sent', { amount: 999.99 }) }), []);
  });

  test('an unavailable (null or absent) feature is absent: has() is false', () => {
    const session = event('session.started', { visibility: 'private', viewer_count: 1 });
    for (const features of [{ payments_to_host_30m: null }, {}, undefined]) {
      const context: RuleContext = features === undefined ? { event: session } : { event: session, features };
      assert.deepEqual(rules.evaluate(context).errors, []);
      assert.deepEqual(hitIds(context), ['any_private_stream']);
    }
  });

  test('run-time errors are reported and count as not fired; other rules still run', () => {
    const noViewerCount = event('session.started', { visibility: 'private' });
    const evaluation = rules.evaluate({ event: noViewerCount, features: { payments_to_host_30m: 1 } });
    assert.deepEqual(
      evaluation.hits.map((hit) => hit.ruleId),
      ['any_private_stream'],
    );
    assert.deepEqual(evaluation.errors, [
      { ruleId: 'private_stream_after_payment', message: 'No such key: viewer_count' },
    ]);

    const wrongType = rules.evaluate({ event: event('payment.sent', { amount: 'lots' }) });
    assert.deepEqual(wrongType.hits, []);
    assert.deepEqual(
      wrongType.errors.map((error) => error.ruleId),
      ['large_payment'],
    );

    const fractionalCount = rules.evaluate({
      event: event('session.started', { visibility: 'private', viewer_count: 1 }),
      features: { payments_to_host_30m: 1.5 },
    });
    assert.deepEqual(fractionalCount.errors, [
      {
        ruleId: 'private_stream_after_payment',
        message: "feature 'payments_to_host_30m' is declared int but its value is 1.5",
      },
    ]);
  });

  test('media matches come from event.data.matches or the context, with int distances', () => {
    const matched = event('media.matched', {
      matches: [{ bank: 'TEST_BANK', contentId: 7, signalType: 'pdq', distance: 12 }],
    });
    assert.deepEqual(hitIds({ event: matched }), ['close_bank_match']);
    assert.deepEqual(hitIds({ event: matched, matches: [] }), []);
    const far = { bank: 'TEST_BANK', contentId: 7, signalType: 'pdq', distance: 40 };
    assert.deepEqual(hitIds({ event: matched, matches: [far] }), []);
  });

  test('event time is a timestamp and timeMs an int', () => {
    const night = event('payment.sent', { amount: 5 }, '2026-03-01T02:30:00Z');
    assert.deepEqual(hitIds({ event: night }), ['night_time']);
    assert.deepEqual(hitIds({ event: event('payment.sent', { amount: 5 }) }), []);
  });

  test('built-in rules run beside operator rules and report their own hits', () => {
    const withBuiltins = ruleSetOf(
      'rules:\n  - id: any_stream\n    description: d\n    events: [session.started]\n    when: "true"\n    effects:\n      - verdict: allow\n',
      true,
    );
    const session = event('session.started', { visibility: 'public' });
    const { hits } = withBuiltins.evaluate({ event: session, features: { user_distinct_devices_24h: 9 } });
    assert.deepEqual(
      hits.map((hit) => [hit.ruleId, hit.origin, hit.mode]),
      [
        ['any_stream', 'operator', 'shadow'],
        ['many_devices_per_account', 'builtin', 'active'],
      ],
    );
  });

  test('a built-in rule that throws is reported, not thrown', () => {
    const withBuiltins = ruleSetOf('rules: []\n', true);
    const hostile: RuleContext = {
      event: event('session.started', {}),
      get features(): Record<string, number> {
        throw new Error('feature store unavailable');
      },
    };
    assert.deepEqual(withBuiltins.evaluate(hostile).errors, [
      { ruleId: 'many_devices_per_account', message: 'feature store unavailable' },
    ]);
  });

  test('CompiledRule.test runs one rule alone and throws on its run-time errors', () => {
    const [rule] = rules.rulesFor('payment.sent');
    assert.equal(rule?.id, 'large_payment');
    assert.equal(rule?.test({ event: event('payment.sent', { amount: 2000 }) }).fired, true);
    assert.equal(rule?.test({ event: event('payment.sent', { amount: 2 }) }).fired, false);
    assert.throws(() => rule?.test({ event: event('payment.sent', {}) }), /No such key: amount/);
  });
});
