import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { testCatalogs } from '../../test/support/rule-catalogs.js';
import { buildRuleSet } from './check-rules.js';
import { featureRecordType, isFeatureRecord } from './feature-record.js';
import { featureValue } from './rule-context.js';

/** A lazy record over `values` that counts the reads reaching its source. */
function counted(names: readonly string[], values: readonly (number | null)[]) {
  const reads: number[] = [];
  const Record = featureRecordType(names);
  const record = new Record({
    valueAt(index) {
      reads.push(index);
      return values[index] ?? null;
    },
  });
  return { record, reads };
}

describe('lazy feature records', () => {
  test('work a value out on its first read only, and keep it', () => {
    const { record, reads } = counted(['a', 'b', 'c'], [1, null, 3]);
    assert.deepEqual(reads, [], 'nothing is worked out up front');
    assert.equal(record.c, 3);
    assert.equal(record.c, 3);
    assert.equal(record.b, null);
    assert.equal(record.b, null, 'a null value is kept too');
    assert.deepEqual(reads, [2, 1]);
  });

  test('read like the plain record they replace, names of Object.prototype included', () => {
    const { record } = counted(['amount', 'constructor', 'to_string'], [4, 5, null]);
    assert.equal(record.constructor, 5, 'a feature named constructor is the feature');
    assert.equal(record.hasOwnProperty, undefined, 'nothing inherited from Object.prototype');
    assert.ok('amount' in record);
    assert.ok(!('other' in record));
    assert.equal(record.other, undefined);
    assert.equal(JSON.stringify(record), '{"amount":4,"constructor":5,"to_string":null}');
    assert.equal(
      featureValue(
        { event: { id: 'e', type: 't', time: '', timeMs: 0, entities: {}, data: {} }, features: record },
        'amount',
      ),
      4,
    );
    assert.ok(isFeatureRecord(record));
    assert.ok(!isFeatureRecord({ amount: 4 }));
  });

  test('give CEL conditions what a plain record gives, reading only the features they touch', () => {
    const build = buildRuleSet(
      [
        {
          file: 'rules.yaml',
          text: `
rules:
  - id: paid_host
    description: host paid
    events: [session.started]
    when: has(features.payments_to_host_30m) && features.payments_to_host_30m > 0
    effects: [{ verdict: review }]
`,
        },
      ],
      testCatalogs,
    );
    if (!build.ok) assert.fail(build.diagnostics.map((diagnostic) => diagnostic.message).join('\n'));
    const names = Object.keys(testCatalogs.features);
    const index = names.indexOf('payments_to_host_30m');
    assert.ok(index >= 0);
    const time = '2026-03-01T12:30:00Z';
    const event = {
      id: 'e1',
      type: 'session.started',
      time,
      timeMs: Date.parse(time),
      entities: { user: 'u1' },
      data: {},
    };
    for (const value of [2, 0, null]) {
      const { record, reads } = counted(
        names,
        names.map((_, position) => (position === index ? value : 7)),
      );
      const plain = Object.fromEntries(names.map((name, position) => [name, position === index ? value : 7]));
      const lazy = build.ruleSet.evaluate({ event, features: record });
      assert.deepEqual(lazy, build.ruleSet.evaluate({ event, features: plain }));
      assert.equal(lazy.hits.length, value === 2 ? 1 : 0);
      assert.deepEqual([...new Set(reads)], [index], 'only the feature the condition reads is worked out');
    }
  });
});
