import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isValidRuleId } from '../rule-model.js';
import { builtinRules } from './index.js';

test('built-in rule ids are valid, unique, and none disappears (they are storage keys)', () => {
  const ids = builtinRules.map((rule) => rule.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.equal(isValidRuleId(id), true, id);
  for (const released of ['many_devices_per_account']) assert.ok(ids.includes(released), `${released} disappeared`);
});
