import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isEngineError } from '../../../core/index.js';
import { at, contextAfter, type ScenarioEvent } from '../test-scenario.js';
import { joinedAfterPayment } from './rule.js';

const host = 'host-test-1';
const viewer = 'viewer-test-1';
const stream = 'stream-test-1';

/** The viewer gifts the host at minute 0, the host starts a session at `startMinute`, the viewer joins at `joinMinute`. */
function paidThenJoined(
  options: { startMinute?: number; joinMinute?: number; visibility?: string; before?: ScenarioEvent[] } = {},
): ScenarioEvent[] {
  const startMinute = options.startMinute ?? 10;
  return [
    ...(options.before ?? []),
    at(0, 'gift.sent', { user: viewer, recipient: host }, { amount: 20, currency: 'USD' }),
    at(
      startMinute,
      'session.started',
      { user: host, stream },
      { kind: 'call', visibility: options.visibility ?? 'private' },
    ),
    at(
      options.joinMinute ?? startMinute + 2,
      'stream.viewer_joined',
      { user: viewer, host, stream },
      { country: 'GB' },
    ),
  ];
}

const rule = joinedAfterPayment.configure();

describe('session_joined_after_payment', () => {
  test('fires when a viewer joins a private session that started minutes after they paid its host', () => {
    const result = rule.evaluate(contextAfter(paidThenJoined()));
    assert.equal(result.fired, true);
    assert.equal(
      result.reason,
      'viewer joined 2 min after the session started; the viewer last paid 10 min before it started and the host was ' +
        'last paid 10 min before it started (the same instant); the viewer paid 1 account in 2 hours (window 30 min; ' +
        'source: livestream note §4 "session start shortly after an incoming gift/payment", "payment followed by call within minutes")',
    );
    assert.deepEqual(result.effects, [
      { kind: 'typology', typology: 'livestream_paying_viewer', points: 35 },
      { kind: 'typology', typology: 'livestream_host_at_risk', points: 35 },
    ]);
  });

  test('the payment may be up to withinMinutes before the start, not more', () => {
    assert.equal(rule.evaluate(contextAfter(paidThenJoined({ startMinute: 30 }))).fired, true);
    assert.equal(rule.evaluate(contextAfter(paidThenJoined({ startMinute: 31 }))).fired, false);
  });

  test('the viewer must join within withinMinutes of the start', () => {
    assert.equal(rule.evaluate(contextAfter(paidThenJoined({ joinMinute: 40 }))).fired, true);
    assert.equal(rule.evaluate(contextAfter(paidThenJoined({ joinMinute: 41 }))).fired, false);
  });

  test('a payment after the start but before the join counts too', () => {
    const events: ScenarioEvent[] = [
      at(0, 'session.started', { user: host, stream }, { kind: 'call', visibility: 'private' }),
      at(3, 'gift.sent', { user: viewer, recipient: host }, { amount: 20, currency: 'USD' }),
      at(4, 'stream.viewer_joined', { user: viewer, host, stream }, { country: 'GB' }),
    ];
    const result = rule.evaluate(contextAfter(events));
    assert.equal(result.fired, true);
    assert.match(result.reason ?? '', /the viewer last paid 3 min after it started/);
  });

  test('an off-platform payment counts when it names both platform accounts', () => {
    const events: ScenarioEvent[] = [
      at(
        0,
        'payment.sent',
        { payment_account: 'acct-test-1', payee_account: 'acct-test-2', user: viewer, recipient: host },
        { amount: 25, currency: 'USD', payee_country: 'PH' },
      ),
      at(10, 'session.started', { user: host, stream }, { kind: 'call', visibility: 'private' }),
      at(12, 'stream.viewer_joined', { user: viewer, host, stream }, { country: 'GB' }),
    ];
    assert.equal(rule.evaluate(contextAfter(events)).fired, true);
  });

  test('the host must have been paid in the window, not only the viewer paying someone', () => {
    const events: ScenarioEvent[] = [
      at(0, 'gift.sent', { user: viewer, recipient: 'someone-else-test' }, { amount: 20, currency: 'USD' }),
      at(10, 'session.started', { user: host, stream }, { kind: 'call', visibility: 'private' }),
      at(12, 'stream.viewer_joined', { user: viewer, host, stream }, { country: 'GB' }),
    ];
    assert.equal(rule.evaluate(contextAfter(events)).fired, false);
  });

  test('a viewer who paid two accounts in 2 hours does not fire unless maxRecentRecipients allows it', () => {
    const before = [at(-60, 'gift.sent', { user: viewer, recipient: 'someone-else-test' }, { amount: 1 })];
    const context = contextAfter(paidThenJoined({ before }));
    assert.equal(rule.evaluate(context).fired, false);
    assert.equal(joinedAfterPayment.configure({ maxRecentRecipients: 2 }).evaluate(context).fired, true);
  });

  test('public sessions are left out unless privateOnly is off', () => {
    const context = contextAfter(paidThenJoined({ visibility: 'public' }));
    assert.equal(rule.evaluate(context).fired, false);
    assert.equal(joinedAfterPayment.configure({ privateOnly: false }).evaluate(context).fired, true);
  });

  test('withinMinutes is configuration', () => {
    const context = contextAfter(paidThenJoined({ startMinute: 45 }));
    assert.equal(rule.evaluate(context).fired, false);
    assert.equal(joinedAfterPayment.configure({ withinMinutes: 45 }).evaluate(context).fired, true);
  });

  test('does not fire without a session start, or without its features', () => {
    const noStart: ScenarioEvent[] = [
      at(0, 'gift.sent', { user: viewer, recipient: host }, { amount: 20 }),
      at(2, 'stream.viewer_joined', { user: viewer, host, stream }, { country: 'GB' }),
    ];
    assert.equal(rule.evaluate(contextAfter(noStart)).fired, false);
    assert.equal(rule.evaluate({ event: contextAfter(paidThenJoined()).event }).fired, false);
  });

  test('a bad config is refused naming the rule and field', () => {
    for (const config of [
      { withinMinutes: 61 },
      { withinMinutes: 0 },
      { privateOnly: 'yes' },
      { maxRecentRecipients: 0 },
    ]) {
      assert.throws(
        () => joinedAfterPayment.configure(config),
        (error: unknown) =>
          isEngineError(error) &&
          error.code === 'CONFIG_INVALID' &&
          error.message.startsWith("built-in rule 'session_joined_after_payment' config is invalid: "),
      );
    }
  });
});
