import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EngineError } from '../core/index.js';
import { defineTypologies, parseDuration } from './typology-definition.js';
import { TypologyScores } from './typology-scores.js';

const day = 86_400_000;

describe('typologies', () => {
  const [livestream] = defineTypologies([
    {
      name: 'ocse_livestream',
      subject: 'payment_account',
      window: '30d',
      alert_threshold: 50,
      case_threshold: 80,
      case_priority: 'high',
      weights: { night_payment: 0.5 },
    },
  ]);

  test('durations and validation report every problem with its place', () => {
    assert.equal(parseDuration('90d'), 90 * day);
    assert.equal(parseDuration('30m'), 1_800_000);
    assert.throws(() => parseDuration('3 weeks'), EngineError);
    assert.throws(
      () =>
        defineTypologies([
          { name: 'Bad Name', subject: 'user', window: '1d', alert_threshold: 1 },
          { name: 'ok', subject: 'user', window: 'soon', alert_threshold: 10, case_threshold: 5, extra: true },
        ]),
      (error: unknown) =>
        error instanceof EngineError &&
        /typologies\[0\]\.name/.test(error.message) &&
        /typologies\[1\]\.window/.test(error.message) &&
        /typologies\[1\]: Unrecognized key/.test(error.message),
    );
  });

  test('a stored (weighted) contribution restored elsewhere counts as stored, once', () => {
    assert.ok(livestream);
    const live = new TypologyScores([livestream]);
    const change = live.add('ocse_livestream', 'payment_account:a', {
      ruleId: 'night_payment',
      eventId: 'e1',
      points: 40,
      reason: 'night',
      timeMs: 10 * day,
    });
    const added = change?.contributions.find((entry) => entry.eventId === 'e1');
    assert.equal(added?.points, 20, 'weighted 0.5 when added');
    assert.ok(added);
    // The row the engine stores for it (its points as added), read back by another worker or a
    // restart: it must not be weighted again.
    const stored = {
      typology: 'ocse_livestream',
      subject: 'payment_account:a',
      ruleId: added.ruleId,
      eventId: added.eventId,
      points: added.points,
      reason: added.reason,
      time: new Date(added.timeMs).toISOString(),
    };
    const other = new TypologyScores([livestream]);
    other.restore(stored);
    assert.equal(other.score('ocse_livestream', 'payment_account:a', 10 * day), 20);
    assert.equal(other.restore(stored), undefined, 'the same event and rule once');
    assert.equal(other.score('ocse_livestream', 'payment_account:a', 10 * day), 20);
    // An older stored contribution restored after a newer live one joins the same window.
    const later = other.add('ocse_livestream', 'payment_account:a', {
      ruleId: 'other_rule',
      eventId: 'e2',
      points: 35,
      reason: 'other',
      timeMs: 12 * day,
    });
    assert.equal(later?.score, 55);
    assert.equal(later?.alerted, true);
    assert.equal(other.restore({ ...stored, typology: 'nope' }), undefined);
  });

  test('points add up per subject with weights; crossing thresholds is reported once', () => {
    assert.ok(livestream);
    const scores = new TypologyScores([livestream]);
    const add = (subject: string, ruleId: string, eventId: string, points: number, timeMs: number) =>
      scores.add('ocse_livestream', subject, { ruleId, eventId, points, reason: `${ruleId} fired`, timeMs });
    assert.deepEqual(
      [add('acct:a', 'corridor', 'e1', 30, 0)?.score, add('acct:a', 'night_payment', 'e2', 40, day)?.score],
      [30, 50],
    );
    const change = add('acct:a', 'corridor', 'e3', 30, 2 * day);
    assert.deepEqual([change?.score, change?.alerted, change?.caseOpened], [80, false, true]);
    assert.equal(add('acct:a', 'corridor', 'e3', 30, 2 * day), undefined, 'a replayed event adds nothing');
    assert.deepEqual(
      change?.contributions.map((entry) => entry.reason),
      ['corridor fired', 'night_payment fired', 'corridor fired'],
    );
    assert.equal(scores.score('ocse_livestream', 'acct:b', 2 * day), 0, 'subjects are apart');
  });

  test('contributions leave the score when they leave the window', () => {
    assert.ok(livestream);
    const scores = new TypologyScores([livestream]);
    scores.add('ocse_livestream', 's', { ruleId: 'r', eventId: 'e1', points: 60, reason: '', timeMs: 0 });
    assert.equal(scores.score('ocse_livestream', 's', 29 * day), 60);
    assert.equal(scores.score('ocse_livestream', 's', 30 * day), 0);
    const later = scores.add('ocse_livestream', 's', {
      ruleId: 'r',
      eventId: 'e2',
      points: 60,
      reason: '',
      timeMs: 31 * day,
    });
    assert.deepEqual([later?.score, later?.alerted], [60, true], 'alerts again once the old points have expired');
  });
});

describe('distinct-rule scoring with required rules', () => {
  const [payer] = defineTypologies([
    {
      name: 'payer_pattern',
      subject: 'payment_account',
      window: '30d',
      alert_threshold: 30,
      scoring: 'distinct_rules',
      required_rules: ['core'],
    },
  ]);
  const contribution = (ruleId: string, points: number, atDays: number, eventId = `${ruleId}-${atDays}`) => ({
    ruleId,
    eventId,
    points,
    reason: `${ruleId} fired`,
    timeMs: atDays * day,
  });

  test('a rule counts once however often it fires; the score is 0 until the required rule fires', () => {
    const scores = new TypologyScores(payer ? [payer] : []);
    for (let index = 0; index < 5; index++) {
      assert.equal(scores.add('payer_pattern', 'a', contribution('booster', 10, index))?.score, 0);
    }
    const change = scores.add('payer_pattern', 'a', contribution('core', 20, 5));
    assert.equal(change?.score, 30, 'core 20 + booster 10, not 20 + 5 × 10');
    assert.equal(change?.alerted, true);
    assert.equal(change?.contributions.length, 2, 'older contributions of the same rule are dropped');
  });

  test('the largest contribution of a rule in the window counts; expired ones do not', () => {
    const scores = new TypologyScores(payer ? [payer] : []);
    scores.add('payer_pattern', 'b', contribution('core', 20, 0));
    scores.add('payer_pattern', 'b', contribution('booster', 15, 1));
    assert.equal(scores.add('payer_pattern', 'b', contribution('booster', 5, 2))?.score, 35);
    assert.equal(scores.score('payer_pattern', 'b', 31 * day), 0, 'the core expired: nothing counts');
    // At day 31.5 the 15-point booster (day 1) has expired; the 5-point one (day 2) still counts.
    assert.equal(scores.add('payer_pattern', 'b', contribution('core', 20, 31.5))?.score, 25);
  });

  test('a mitigating rule (negative points) lowers the score once, at its strongest; never below 0', () => {
    const scores = new TypologyScores(payer ? [payer] : []);
    scores.add('payer_pattern', 'm', contribution('core', 20, 0));
    scores.add('payer_pattern', 'm', contribution('booster', 15, 1));
    assert.equal(scores.add('payer_pattern', 'm', contribution('regular', -10, 2))?.score, 25);
    assert.equal(scores.add('payer_pattern', 'm', contribution('regular', -5, 3))?.score, 25, 'the -10 still counts');
    const stronger = scores.add('payer_pattern', 'm', contribution('regular', -40, 4));
    assert.equal(stronger?.score, 0, 'clamped at 0');
    assert.equal(stronger?.contributions.filter((entry) => entry.ruleId === 'regular').length, 1);
    scores.add('payer_pattern', 'n', contribution('core', 20, 0));
    scores.add('payer_pattern', 'n', contribution('regular', -5, 1));
    scores.add('payer_pattern', 'n', contribution('booster', 15, 2));
    assert.deepEqual(
      scores.alerts().find((alert) => alert.subject === 'n')?.reasons,
      ['core fired', 'booster fired', 'regular fired'],
      'the mitigation is a reason too',
    );
  });

  test('alerts remember each subject that reached the threshold, its highest score and reasons', () => {
    const scores = new TypologyScores(payer ? [payer] : []);
    scores.add('payer_pattern', 'c', contribution('booster', 10, 1));
    scores.add('payer_pattern', 'c', contribution('core', 20, 2));
    scores.add('payer_pattern', 'c', contribution('extra', 15, 3));
    scores.add('payer_pattern', 'd', contribution('core', 20, 2));
    const alerts = scores.alerts();
    assert.equal(alerts.length, 1);
    assert.deepEqual(
      { ...alerts[0], reasons: [...(alerts[0]?.reasons ?? [])] },
      {
        typology: 'payer_pattern',
        subject: 'c',
        score: 45,
        reasons: ['core fired', 'extra fired', 'booster fired'],
        firstSeenMs: 1 * day,
        lastSeenMs: 3 * day,
      },
    );
  });

  test('replaying a counted event adds nothing', () => {
    const scores = new TypologyScores(payer ? [payer] : []);
    scores.add('payer_pattern', 'e', contribution('core', 20, 1, 'event-1'));
    assert.equal(scores.add('payer_pattern', 'e', contribution('core', 20, 1, 'event-1')), undefined);
  });
});
