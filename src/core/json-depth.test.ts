import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { jsonDepth, parseJsonWithin } from './json-depth.js';

/** The nesting depth of a parsed JSON value, by walking it. */
function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (typeof value === 'object' && value !== null) return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

test('jsonDepth counts the nesting of any JSON text exactly, brackets inside strings aside', () => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
      assert.equal(jsonDepth(JSON.stringify(value)), depthOf(value));
    }),
  );
  assert.equal(jsonDepth('{"a": "[[[{\\"]]]", "b": [1, [2]]}'), 3);
});

test('jsonDepth stops as soon as the limit is exceeded; parseJsonWithin refuses deeper text', () => {
  const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
  assert.equal(jsonDepth(deep, 64), 65);
  assert.throws(() => parseJsonWithin(deep), { code: 'REQUEST_INVALID' });
  assert.deepEqual(parseJsonWithin('{"a":[1]}'), { a: [1] });
  assert.throws(() => parseJsonWithin('{'), SyntaxError);
});
