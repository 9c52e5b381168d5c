import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OwnerSlots } from './owner-slots.js';

describe('OwnerSlots', () => {
  test('keeps every slot of every owner, dense or sparse, across growth of the dense array', () => {
    const slots = new OwnerSlots();
    slots.reserve(16);
    slots.link(3_000_000, 0); // above the dense limit (2^20 for a small store): kept in the map
    slots.link(5, 1);
    slots.link(3_000_000, 2);
    slots.reserve(800_000); // the dense limit grows to 3.2M ids
    slots.link(3_100_000, 3); // grows the dense array past 3,000,000: the map entry moves over
    assert.deepEqual(slots.take(3_000_000), [2, 0]);
    assert.deepEqual(slots.take(3_000_000), []);
    slots.link(3_000_000, 4);
    assert.deepEqual(slots.take(3_000_000), [4]);
    assert.deepEqual(slots.take(5), [1]);
    assert.deepEqual(slots.take(3_100_000), [3]);
    slots.link(2 ** 31 - 1, 5);
    slots.clear();
    assert.deepEqual(slots.take(2 ** 31 - 1), []);
  });
});
