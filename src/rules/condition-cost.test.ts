import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { testCatalogs } from '../../test/support/rule-catalogs.js';
import { indexCatalogs } from './catalogs.js';
import { createRuleEnvironment } from './cel-environment.js';
import { estimateConditionCost } from './condition-cost.js';
import { unsafePatternReason } from './regex-safety.js';
import { defaultRuleLimits } from './rule-limits.js';

const rules = createRuleEnvironment(indexCatalogs(testCatalogs));

function cost(expression: string, assumedDataSize = defaultRuleLimits.assumedDataSize): number {
  const parsed = rules.environment.parse(expression);
  assert.equal(parsed.check().valid, true, expression);
  return estimateConditionCost(parsed.ast, { ...defaultRuleLimits, assumedDataSize }).cost;
}

describe('estimateConditionCost', () => {
  test('a comprehension costs its list size times its body; nested ones multiply', () => {
    const one = cost('[1, 2, 3, 4].all(x, x > 0)');
    const nested = cost('[1, 2, 3, 4].all(x, [1, 2, 3, 4].all(y, x + y > 0))');
    assert.ok(one < 40, `${one}`);
    assert.ok(nested > 4 * one, `${nested} vs ${one}`);
  });

  test('lists read from the event count as assumedDataSize items', () => {
    const small = cost('event.data.items.exists(x, x == 1.0)', 10);
    const large = cost('event.data.items.exists(x, x == 1.0)', 1000);
    assert.ok(large >= 90 * small, `${large} vs ${small}`);
    assert.ok(cost('event.data.a.exists(x, event.data.b.exists(y, x == y))') > defaultRuleLimits.maxCost);
  });

  test('plain comparisons stay cheap, and the typed scalars do not count as collections', () => {
    assert.ok(cost('event.data.amount > 10.0 && has(features.payments_to_host_30m)') < 20);
    assert.ok(cost('event.timeMs > 0 && event.time > timestamp("2026-01-01T00:00:00Z")') < 20);
  });

  test('unsafePatternReason refuses nested quantifiers and back-references only', () => {
    assert.match(unsafePatternReason('(a+)+$') ?? '', /nested quantifier/);
    assert.match(unsafePatternReason('((ab)*c)*') ?? '', /nested quantifier/);
    assert.match(unsafePatternReason('(a|b)*') ?? '', /nested quantifier/);
    assert.match(unsafePatternReason('(x)\\1') ?? '', /back-reference/);
    assert.equal(unsafePatternReason('^[a-z(+]+[0-9]{2}$'), undefined);
    assert.equal(unsafePatternReason('(ab)+c'), undefined);
    assert.equal(unsafePatternReason('\\(a+\\)+'), undefined);
  });
});
