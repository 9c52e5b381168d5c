/** Distinct keys: equal exactly when JSON texts are, and convertible to and from that text. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { distinctKey, distinctKeyOfText, distinctText, textOfDistinctKey } from './event-input.js';

const value = fc.oneof(
  fc.jsonValue(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('\u0000', '\u00001', '\u0000\u0000"x"', '1', '', 'null', 'true', '"1"'),
);

describe('distinctKey', () => {
  test('two values get the same key exactly when their JSON texts are equal', () => {
    fc.assert(
      fc.property(value, value, (a, b) => {
        assert.equal(distinctKey(a) === distinctKey(b), distinctText(a) === distinctText(b));
      }),
      { numRuns: 2000 },
    );
  });

  test('the JSON text of a key gives the key back', () => {
    fc.assert(
      fc.property(value, (a) => {
        const key = distinctKey(a);
        if (key === undefined) return;
        assert.equal(textOfDistinctKey(key), distinctText(a));
        assert.equal(distinctKeyOfText(textOfDistinctKey(key)), key);
      }),
      { numRuns: 2000 },
    );
  });

  test('absent values and values without JSON text have no key; strings are their own key', () => {
    for (const absent of [undefined, null, () => 1, Symbol('s'), 1n]) assert.equal(distinctKey(absent), undefined);
    assert.equal(distinctKey('payee-1'), 'payee-1');
    assert.equal(distinctKeyOfText('"unterminated'), undefined);
  });
});
