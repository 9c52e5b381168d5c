import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dayMs, formatLocalTime, localHourAt, localInstant } from './clock.js';

describe('clock', () => {
  const start = Date.parse('2026-01-01T00:00:00Z');

  test('formats the instant in the offset, always spelling the offset out', () => {
    assert.equal(formatLocalTime(Date.parse('2026-03-01T13:40:00Z'), 600), '2026-03-01T23:40:00+10:00');
    assert.equal(formatLocalTime(Date.parse('2026-03-01T03:05:09Z'), -300), '2026-02-28T22:05:09-05:00');
    assert.equal(formatLocalTime(Date.parse('2026-03-01T00:00:00Z'), 330), '2026-03-01T05:30:00+05:30');
    assert.equal(formatLocalTime(Date.parse('2026-03-01T00:00:00Z'), 0), '2026-03-01T00:00:00+00:00');
  });

  test('the local hour is the hour written in the formatted time, and localInstant inverts it', () => {
    for (const offset of [-480, -300, 0, 60, 330, 345, 600, 720]) {
      for (const hour of [0, 0.5, 5.99, 12, 23.75]) {
        const at = localInstant(start, 3, hour, offset);
        const text = formatLocalTime(at, offset);
        assert.equal(localHourAt(at, offset), Math.floor(hour), text);
        assert.equal(Number(text.slice(11, 13)), Math.floor(hour), text);
        assert.equal(text.slice(0, 10), '2026-01-04', text);
        assert.equal(Date.parse(text), at, 'the string reads back as the same instant');
      }
    }
    assert.equal(localInstant(start, 1, 25, 0), start + dayMs * 2 + 3_600_000, 'hours past 24 run into the next day');
  });
});
