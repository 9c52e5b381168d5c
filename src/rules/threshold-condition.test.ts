import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testCatalogs } from '../../test/support/rule-catalogs.js';
import { indexCatalogs } from './catalogs.js';
import { createRuleEnvironment } from './cel-environment.js';
import { buildRuleSet } from './check-rules.js';
import { featureRecordType } from './feature-record.js';
import type { RuleContext } from './rule-context.js';
import type { RuleSet } from './rule-set.js';
import { thresholdCondition } from './threshold-condition.js';

const environment = createRuleEnvironment(indexCatalogs(testCatalogs));

/** One rule `r` on payments with condition `when`. */
function ruleSetOf(when: string): RuleSet {
  const yaml = `rules:\n  - id: r\n    description: threshold\n    events: [payment.sent]\n    when: '${when}'\n    effects:\n      - verdict: review\n`;
  const build = buildRuleSet([{ file: 'rules.yaml', text: yaml }], testCatalogs);
  if (!build.ok) assert.fail(build.diagnostics.map((diagnostic) => diagnostic.message).join('\n'));
  return build.ruleSet;
}

function context(features: RuleContext['features']): RuleContext {
  const time = '2026-03-01T12:30:00Z';
  return {
    event: { id: 'e1', type: 'payment.sent', time, timeMs: Date.parse(time), entities: { user: 'u1' }, data: {} },
    ...(features === undefined ? {} : { features }),
  };
}

test('the threshold shape is recognised, with the spacing CEL allows, and nothing else is', () => {
  for (const when of [
    'has(features.payments_to_host_30m) && features.payments_to_host_30m >= 3',
    ' has( features.payment_amount_sum_24h )&&features.payment_amount_sum_24h<-2.5 ',
  ])
    assert.notEqual(thresholdCondition(when, environment), undefined, when);
  for (const when of [
    '(has(features.payments_to_host_30m) && features.payments_to_host_30m >= 3)',
    'has(features.payments_to_host_30m) && features.distinct_payers_7d >= 3',
    'has(features.payments_to_host_30m) && features.payments_to_host_30m == 3',
    'has(features.payments_to_host_30m) && features.payments_to_host_30m >= 3u',
    'has(features.payments_to_host_30m) && features.payments_to_host_30m >= 99999999999999999999',
    'has(features.unknown_feature) && features.unknown_feature >= 3',
    'features.payments_to_host_30m >= 3',
  ])
    assert.equal(thresholdCondition(when, environment), undefined, when);
});

test('a threshold condition gives what CEL gives: the same hits and the same errors on every value', () => {
  const lazy = featureRecordType(['payments_to_host_30m', 'payment_amount_sum_24h']);
  const values: unknown[] = [
    0,
    -0,
    2,
    3,
    4,
    2.5,
    3.5,
    -1,
    -2.5,
    1.5,
    2 ** 53 + 2,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    null,
    undefined,
    3n,
    '3',
  ];
  let compared = 0;
  let answeredDirectly = 0;
  for (const name of ['payments_to_host_30m', 'payment_amount_sum_24h']) {
    for (const operator of ['>=', '>', '<=', '<']) {
      for (const literal of ['3', '3.5', '-1', '0', '0.0', '-2.5']) {
        const when = `has(features.${name}) && features.${name} ${operator} ${literal}`;
        const direct = thresholdCondition(when, environment);
        assert.notEqual(direct, undefined, when);
        const fast = ruleSetOf(when);
        // The same condition in parentheses does not have the shape: CEL alone answers it.
        const slow = ruleSetOf(`(${when})`);
        const contexts: RuleContext[] = [context(undefined), context({}), context({ other: 1 })];
        for (const value of values) {
          contexts.push(context({ [name]: value } as RuleContext['features']));
          const record = new lazy({
            valueAt: (index) => (index === (name === 'payments_to_host_30m' ? 0 : 1) ? (value as number) : null),
          });
          contexts.push(context(record));
        }
        for (const item of contexts) {
          const expected = slow.evaluate(item);
          const got = fast.evaluate(item);
          assert.deepEqual(
            got.hits.map((hit) => hit.ruleId),
            expected.hits.map((hit) => hit.ruleId),
            `${when} on ${JSON.stringify(item.features ?? null, (_key, value) => (typeof value === 'bigint' ? `${value}n` : value))}`,
          );
          assert.deepEqual(got.errors, expected.errors, when);
          if (direct?.(item) !== undefined) answeredDirectly++;
          compared++;
        }
      }
    }
  }
  // Both answers were compared, most of them given without CEL.
  assert.ok(answeredDirectly > compared / 2, `${answeredDirectly} of ${compared}`);
});

test('under a cost budget too small to bypass the meter, the condition stays with CEL', () => {
  const small = { ...environment, limits: { ...environment.limits, maxCost: 10 } };
  assert.equal(
    thresholdCondition('has(features.payments_to_host_30m) && features.payments_to_host_30m >= 3', small),
    undefined,
  );
});
