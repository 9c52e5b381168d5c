import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseAddedOn } from './added-on.js';

describe('parseAddedOn', () => {
  test("reads ThreatExchange's added_on and ISO-8601 forms as UTC", () => {
    const cases: [string, string][] = [
      ['2020-07-31T18:47:45+0000', '2020-07-31T18:47:45.000Z'],
      ['2020-07-31T18:47:45-02:30', '2020-07-31T21:17:45.000Z'],
      ['2020-07-31T18:47:45+01', '2020-07-31T17:47:45.000Z'],
      ['2020-07-31 18:47', '2020-07-31T18:47:00.000Z'],
      ['2024-02-29', '2024-02-29T00:00:00.000Z'],
      [' 2024-01-02T03:04:05.678Z ', '2024-01-02T03:04:05.678Z'],
      ['2024-01-02T03:04:05.123456789z', '2024-01-02T03:04:05.123Z'],
    ];
    for (const [text, expected] of cases) assert.equal(parseAddedOn(text), expected, text);
  });

  test("refuses what is not a time, including what Date.parse would accept (pytx's `mine`, `1`)", () => {
    for (const text of [
      '',
      'mine',
      '1',
      '1596221265',
      'July 31, 2020',
      '2023-02-29',
      '2020-13-01',
      '2020-04-31',
      '2020-01-01T24:00',
      '2020-01-01T10:60',
      '2020-01-01T10:00+2400',
      '0099-01-01',
    ]) {
      assert.equal(parseAddedOn(text), undefined, text);
    }
  });

  test('property: every toISOString() value reads back unchanged', () =>
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
        (date) => {
          assert.equal(parseAddedOn(date.toISOString()), date.toISOString());
        },
      ),
    ));
});
