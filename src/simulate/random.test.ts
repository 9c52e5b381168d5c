import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRandom } from './random.js';

describe('createRandom', () => {
  test('the same seed and keys give the same sequence; other keys or seeds give another', () => {
    const draw = (seed: number, ...keys: number[]) => {
      const random = createRandom(seed, ...keys);
      return Array.from({ length: 20 }, () => random.next());
    };
    assert.deepEqual(draw(7, 1, 2), draw(7, 1, 2));
    assert.notDeepEqual(draw(7, 1, 2), draw(7, 1, 3));
    assert.notDeepEqual(draw(7, 1, 2), draw(7, 2, 1));
    assert.notDeepEqual(draw(7), draw(8));
    assert.notDeepEqual(draw(0), draw(2 ** 32), 'seeds above 32 bits still differ');
  });

  test('helpers stay in range and cover it', () => {
    const random = createRandom(1);
    const seen = new Set<number>();
    for (let index = 0; index < 2000; index++) {
      const value = random.next();
      assert.ok(value >= 0 && value < 1);
      const whole = random.integer(3, 6);
      assert.ok(Number.isInteger(whole) && whole >= 3 && whole <= 6);
      seen.add(whole);
      const between = random.between(10, 20);
      assert.ok(between >= 10 && between < 20);
    }
    assert.deepEqual([...seen].sort(), [3, 4, 5, 6]);
  });

  test('weighted picks follow the weights; poisson has the requested mean; shuffle keeps the items', () => {
    const random = createRandom(2);
    let heavy = 0;
    let total = 0;
    for (let index = 0; index < 10_000; index++) {
      if (
        random.weighted([
          ['a', 9],
          ['b', 1],
        ] as const) === 'a'
      )
        heavy++;
      total += random.poisson(3);
    }
    assert.ok(heavy > 8700 && heavy < 9300, `${heavy} of 10,000`);
    assert.ok(Math.abs(total / 10_000 - 3) < 0.1, `mean ${total / 10_000}`);
    const items = [1, 2, 3, 4, 5, 6, 7, 8];
    assert.deepEqual(
      random.shuffle(items).sort((left, right) => left - right),
      items,
    );
    assert.equal(new Set(random.sample(items, 3)).size, 3);
    assert.throws(() => random.pick([]), RangeError);
  });
});
