import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MatchCooldown } from './match-cooldown.js';

describe('MatchCooldown', () => {
  test('admits an item once per window, each item on its own clock, and forgets old entries', () => {
    const cooldown = new MatchCooldown(60_000);
    assert.equal(cooldown.admit(1, 0), true);
    assert.equal(cooldown.admit(1, 1_000), false);
    assert.equal(cooldown.isCooling(1, 59_999), true);
    assert.equal(cooldown.admit(2, 30_000), true, 'another item is not held back');
    assert.equal(cooldown.admit(1, 59_999), false);
    assert.equal(cooldown.admit(1, 60_000), true, 'a new window');
    assert.equal(cooldown.isCooling(2, 90_000), false);
    cooldown.admit(3, 200_000);
    assert.equal(cooldown.size, 1, 'items 1 and 2 were forgotten');
  });
});
