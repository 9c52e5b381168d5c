import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { fixedDecimals, pythonShortFloat } from './decimal-text.js';

/** `value → [f"{value:.3}", "%.3f" % value]`, printed by CPython 3.11. */
const pythonPrinted: [number, string, string][] = [
  [0, '0.0', '0.000'],
  [12.345, '12.3', '12.345'],
  [100.5, '1e+02', '100.500'],
  [989.933, '9.9e+02', '989.933'],
  [1 / 30, '0.0333', '0.033'],
  [5, '5.0', '5.000'],
  [10, '10.0', '10.000'],
  [99.96, '1e+02', '99.960'],
  [0.0001, '0.0001', '0.000'],
  [0.00001, '1e-05', '0.000'],
  [1.125, '1.12', '1.125'],
  [2.675, '2.67', '2.675'],
  [100, '1e+02', '100.000'],
  [18.766666666666666, '18.8', '18.767'],
  [0.5, '0.5', '0.500'],
  [1e-7, '1e-07', '0.000'],
  [123456, '1.23e+05', '123456.000'],
  [0.0625, '0.0625', '0.062'],
  [0.1875, '0.188', '0.188'],
  [0.0005, '0.0005', '0.001'],
  [0.0015, '0.0015', '0.002'],
  [0.9995, '1.0', '1.000'],
  [19.9999, '20.0', '20.000'],
];

describe('decimal text of timestamps', () => {
  test("matches Python's f'{ts:.3}' and C's %.3f, ties to even included", () => {
    for (const [value, python, c] of pythonPrinted) {
      assert.equal(pythonShortFloat(value), python, `f"{${value}:.3}"`);
      assert.equal(fixedDecimals(value), c, `"%.3f" % ${value}`);
    }
  });

  test('agrees with toFixed and toPrecision wherever those are not on an exact tie', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e6, noNaN: true }), (value) => {
        // A tie needs the value to be a short dyadic fraction; these have long binary expansions.
        const jitter = value + Number.EPSILON * Math.max(1, value) * 3;
        const fixed = fixedDecimals(jitter);
        assert.ok(Math.abs(Number(fixed) - jitter) <= 0.0005 + 1e-9, `${fixed} for ${jitter}`);
        assert.ok(Math.abs(Number(pythonShortFloat(jitter)) - jitter) <= Math.abs(jitter) * 0.005 + 1e-300);
        assert.equal(Number(pythonShortFloat(jitter)), Number(jitter.toPrecision(3)));
      }),
    );
  });

  test('refuses negative and non-finite timestamps', () => {
    assert.throws(() => pythonShortFloat(-1), RangeError);
    assert.throws(() => fixedDecimals(Number.NaN), RangeError);
  });
});
