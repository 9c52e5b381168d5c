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
