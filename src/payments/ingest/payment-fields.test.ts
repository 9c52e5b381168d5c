import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isIsoDate, localHourOf, timeProblem } from './payment-fields.js';

describe('times', () => {
  test('accepts ISO-8601 date-times with or without an offset, and real calendar dates only', () => {
    for (const time of [
      '2026-03-01T23:40:00+10:00',
      '2026-03-01T23:40Z',
      '2024-02-29T00:00:00.123456-05:30',
      '2026-03-01T10:00:00',
    ]) {
      assert.equal(timeProblem(time), undefined, time);
    }
    for (const time of [
      '2026-02-29T00:00:00Z',
      '2026-04-31T00:00:00Z',
      '2026-03-01T24:00:00Z',
      '2026-03-01 10:00:00Z',
      'March 1 2026',
      '2026-03-01T10:00:00+1000',
    ]) {
      assert.notEqual(timeProblem(time), undefined, time);
    }
  });

  test('the local hour is the hour as written when the time carries an offset (Z included)', () => {
    assert.equal(localHourOf('2026-03-01T23:40:00+10:00'), 23);
    assert.equal(localHourOf('2026-03-01T02:05:00-05:00'), 2);
    assert.equal(localHourOf('2026-03-01T09:15:00Z'), 9);
    assert.equal(localHourOf('2026-03-01T09:15:00'), undefined);
  });

  test('birth dates are YYYY-MM-DD calendar days', () => {
    assert.equal(isIsoDate('1961-05-04'), true);
    assert.equal(isIsoDate('1900-02-29'), false);
    assert.equal(isIsoDate('2000-02-29'), true);
    assert.equal(isIsoDate('1961-5-4'), false);
  });
});
