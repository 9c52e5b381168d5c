import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { EngineError, toEngineError } from './engine-error.js';
import { allErrorCodes } from './error-codes.js';

describe('error registry', () => {
  test('every code is documented in docs/errors.md and every documented code exists', () => {
    const documentation = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const documented = [...documentation.matchAll(/^\|\s*`([A-Z_]+)`\s*\|/gm)].map((match) => match[1]);
    assert.deepEqual([...documented].sort(), [...allErrorCodes].sort());
  });

  test('codes are UPPER_SNAKE_CASE and unique', () => {
    for (const code of allErrorCodes) assert.match(code, /^[A-Z]+(_[A-Z]+)*$/);
    assert.equal(new Set(allErrorCodes).size, allErrorCodes.length);
  });
});

describe('EngineError', () => {
  test('serialises only its code and message, never its cause', () => {
    const error = new EngineError('IMAGE_CORRUPT', 'bad bytes', { cause: new Error('secret internal detail') });
    assert.deepEqual(JSON.parse(JSON.stringify(error)), { code: 'IMAGE_CORRUPT', message: 'bad bytes' });
    assert.equal(error.title, 'The image is truncated or corrupt');
  });

  test('cannot be subclassed', () => {
    class Special extends EngineError {}
    assert.throws(() => new Special('INTERNAL'), TypeError);
  });

  test('toEngineError keeps EngineErrors and wraps anything else as INTERNAL', () => {
    const original = new EngineError('INPUT_EMPTY');
    assert.equal(toEngineError(original), original);
    const wrapped = toEngineError(new RangeError('boom'));
    assert.equal(wrapped.code, 'INTERNAL');
    assert.equal(wrapped.message, 'boom');
  });
});
