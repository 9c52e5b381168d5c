import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  characterCount,
  firstCharacters,
  fitLongText,
  fitSingleLine,
  formatDecimal,
  singleLine,
  splitIntoChunks,
  truncateWithMarker,
} from './text-fitting.js';

test('counts and cuts characters, never half a surrogate pair', () => {
  const text = 'a😀b😀c';
  assert.equal(text.length, 7);
  assert.equal(characterCount(text), 5);
  assert.equal(firstCharacters(text, 2), 'a😀');
  assert.equal(firstCharacters(text, 99), text);
});

test('single-line values collapse whitespace and fit their field', () => {
  assert.equal(singleLine('  Test\t\nExample   Sender '), 'Test Example Sender');
  assert.equal(fitSingleLine('Test Example Sender', 12), 'Test Example');
  assert.equal(fitSingleLine('Test Example Sender', 13), 'Test Example');
});

test('truncation keeps the text when it fits and marks it when cut', () => {
  assert.equal(truncateWithMarker('abcdef', 6, '…'), 'abcdef');
  assert.equal(truncateWithMarker('abcdef', 5, '…'), 'abcd…');
  const long = 'x'.repeat(9000);
  const fitted = fitLongText(long, 8000);
  assert.equal(characterCount(fitted), 8000);
  assert.match(fitted, /\[cut to the 8000-character limit; the full text is kept in the case file\]$/);
  assert.ok(fitted.startsWith('x'.repeat(7000)));
});

test('splitting into chunks is lossless and respects the size', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.integer({ min: 1, max: 50 }), (text, size) => {
      const chunks = splitIntoChunks(text, size);
      assert.equal(chunks.join(''), text);
      for (const chunk of chunks) assert.ok(characterCount(chunk) <= size);
      assert.ok(chunks.slice(0, -1).every((chunk) => characterCount(chunk) === size));
    }),
  );
  assert.deepEqual(splitIntoChunks('', 4), ['']);
  assert.deepEqual(splitIntoChunks('abcdefghij', 4), ['abcd', 'efgh', 'ij']);
});

test('decimals have a fixed number of fraction digits and no exponent', () => {
  assert.equal(formatDecimal(2000, 2), '2000.00');
  assert.equal(formatDecimal(0.1 + 0.2, 2), '0.30');
  assert.equal(formatDecimal(1e15, 2), '1000000000000000.00');
});
