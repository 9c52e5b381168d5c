import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sharedSurname } from './shared-surname.js';

test('a shared last word (any case) is a possible family link; absent or one-letter names never are', () => {
  assert.equal(sharedSurname('Test Payer 12 Maple', 'Test Payee 40 maple'), true);
  assert.equal(sharedSurname('Test Payer 12 Maple', 'Test Payee 40 Birch'), false);
  assert.equal(sharedSurname(undefined, 'Test Payee 40 Maple'), false);
  assert.equal(sharedSurname('Test Payer 12 Maple', undefined), false);
  assert.equal(sharedSurname('A B', 'C B'), false, 'a one-letter word is no surname');
  assert.equal(sharedSurname(42, 42), false, 'not a string');
  assert.equal(sharedSurname(' Maple ', 'Maple'), true, 'trimmed');
});
