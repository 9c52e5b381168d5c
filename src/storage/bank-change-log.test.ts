import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EngineError } from '../core/index.js';
import { decodeIdRanges, encodeIdRanges } from './bank-change-log.js';

test('content ids are written as ascending ranges and read back exactly', () => {
  assert.equal(encodeIdRanges([]), '');
  assert.equal(encodeIdRanges([7]), '7');
  assert.equal(encodeIdRanges([5, 3, 4, 9, 3, 1]), '1,3-5,9');
  const bulk = Array.from({ length: 100_000 }, (_, i) => i + 1);
  assert.equal(encodeIdRanges(bulk), '1-100000', 'a bulk import is a few bytes');
  for (const ids of [[], [1], [2, 3], [1, 3, 5], [10, 11, 12, 20, 21, 99]]) {
    assert.deepEqual(decodeIdRanges(encodeIdRanges(ids)), ids);
  }
});

test('text the log did not write is refused, not misread', () => {
  for (const text of ['0', '5-3', 'x', '1,,2', '1-', '-1', '1e3', '1\u00002', '１', '12345678901234567']) {
    assert.throws(
      () => decodeIdRanges(text),
      (error: unknown) => error instanceof EngineError && error.code === 'INTERNAL',
      text,
    );
  }
});
