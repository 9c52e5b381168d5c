import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describeRhythm, type RelationshipHistory, rhythmBucket, supportRhythm } from './support-rhythm.js';

const day = 86_400_000;
const limits = {
  minimum_payments: 3,
  minimum_span_days: 10,
  period_tolerance: 0.25,
  stable_spread: 0.15,
  dispersed_spread: 0.25,
};

/** The aggregates the pack's features keep, computed here from a list of (day, USD) payments. */
function history(payments: readonly (readonly [number, number])[]): RelationshipHistory {
  const times = payments.map(([days]) => Date.parse('2026-01-05T12:00:00Z') + days * day);
  const distinct = (days: number, shifted: boolean) => new Set(times.map((t) => rhythmBucket(t, days, shifted))).size;
  return {
    payments: payments.length,
    firstMs: Math.min(...times),
    lastMs: Math.max(...times),
    weeks: [distinct(7, false), distinct(7, true)],
    fortnights: [distinct(14, false), distinct(14, true)],
    months: [distinct(30.44, false), distinct(30.44, true)],
    usd: payments.reduce((sum, [, usd]) => sum + usd, 0),
    usdSquares: payments.reduce((sum, [, usd]) => sum + usd * usd, 0),
  };
}

describe('supportRhythm', () => {
  test('weekly, fortnightly and monthly support with stable amounts is regular', () => {
    const weekly = supportRhythm(history([0, 7, 14, 21, 28].map((d, i) => [d + (i % 2) * 0.5, 100 + i])), limits);
    assert.deepEqual([weekly?.period, weekly?.regular, weekly?.irregularTiming], ['weekly', true, false]);
    const fortnightly = supportRhythm(history([0, 15, 29, 44, 59].map((d) => [d, 200])), limits);
    assert.deepEqual([fortnightly?.period, fortnightly?.regular], ['fortnightly', true]);
    const monthly = supportRhythm(history([0, 31, 59, 90].map((d) => [d, 300])), limits);
    assert.deepEqual([monthly?.period, monthly?.regular, monthly?.amountSpread], ['monthly', true, 0]);
  });

  test('a payer whose day drifts across one grid still keeps its period on the shifted grid', () => {
    // Days 3, 10, 18, 24 from a Monday: two payments share a week on one grid, none on the other.
    const drifting = supportRhythm(history([3, 10, 17.9, 24].map((d) => [d, 50])), limits);
    assert.equal(drifting?.period, 'weekly');
  });

  test('bursts and gaps are irregular; varied amounts are dispersed; steady timing with varied amounts is not regular', () => {
    const bursts = supportRhythm(history([0, 1, 1.2, 9, 20, 21].map((d, i) => [d, 20 + 25 * i])), limits);
    assert.deepEqual([bursts?.period, bursts?.irregularTiming, bursts?.dispersedAmounts], [null, true, true]);
    const varied = supportRhythm(history([0, 7, 14, 21].map((d, i) => [d, [30, 120, 60, 150][i] as number])), limits);
    assert.deepEqual([varied?.period, varied?.regular, varied?.dispersedAmounts], ['weekly', false, true]);
    // Two payments in one week at a weekly mean gap: not one per bucket on either grid.
    const doubled = supportRhythm(history([0, 1, 14, 21].map((d) => [d, 40])), limits);
    assert.equal(doubled?.period, null);
  });

  test('too short a history says nothing; the description names period, span and spread', () => {
    assert.equal(
      supportRhythm(
        history([
          [0, 10],
          [7, 10],
        ]),
        limits,
      ),
      null,
    );
    assert.equal(supportRhythm(history([[0, 10]]), { ...limits, minimum_payments: 2 }), null, 'never below two');
    const rhythm = supportRhythm(history([0, 14, 28, 42, 56].map((d, i) => [d, 100 + 5 * (i % 2)])), limits);
    assert.ok(rhythm);
    assert.equal(describeRhythm(rhythm), '5 payments to this payee over 8 weeks, fortnightly, amounts within ±2 %');
    assert.equal(supportRhythm(history([0, 1, 2, 3].map((d) => [d, 10])), limits), null, 'three days say nothing');
    const irregular = supportRhythm(history([0, 1, 12].map((d) => [d, 10])), limits);
    assert.ok(irregular);
    assert.match(describeRhythm(irregular), /at irregular intervals \(a mean gap of 6\.0 days/);
  });
});
