/** Validation of feature definitions: every problem reported at once, each with its feature. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isEngineError } from '../core/index.js';
import { defineFeatures, type FeatureDefinition, validateFeatureDefinitions } from './definitions.js';

const payments: FeatureDefinition = {
  name: 'payments_high_risk_30d',
  entity: 'payment_account',
  eventTypes: ['payment.sent'],
  aggregate: 'count',
  window: '30d',
  filter: (event) => event.data.country === 'XX',
};

function messages(input: unknown): string[] {
  return validateFeatureDefinitions(input).map((problem) => `${problem.feature}: ${problem.message}`);
}

describe('validateFeatureDefinitions', () => {
  test('accepts a valid set', () => {
    const payees: FeatureDefinition = {
      name: 'distinct_payees_7d',
      entity: 'payee_account',
      entityType: 'payment_account',
      eventTypes: ['payment.sent'],
      aggregate: 'distinct',
      field: 'entities.payee_account',
      window: '7d',
    };
    const firstSeen: FeatureDefinition = {
      name: 'first_seen',
      entity: 'user',
      eventTypes: ['x'],
      aggregate: 'first_seen',
    };
    assert.deepEqual(validateFeatureDefinitions([payments, payees, firstSeen]), []);
  });

  test('reports every problem of every feature, named', () => {
    const input = [
      { ...payments, aggregate: 'median' },
      { ...payments, name: 'sum_no_field', aggregate: 'sum', window: '31x' },
      { ...payments, name: 'Bad Name' },
      { name: 'no_window', entity: 'user', eventTypes: [], aggregate: 'max', field: 'amount' },
      { ...payments, name: 'typo', windows: '1d' },
      { ...payments, name: 'payments_high_risk_30d', filter: 'country == "XX"' },
      { entity: 'user' },
    ];
    assert.deepEqual(messages(input), [
      'payments_high_risk_30d: aggregate: must be one of count, sum, distinct, min, max, first_seen, last_seen',
      "sum_no_field: window: must be '<n>m', '<n>h' or '<n>d' (e.g. 24h, 30d) between 1m and 400d",
      'sum_no_field: field: is required for sum (the value to aggregate)',
      'Bad Name: name: must be lowercase_with_underscores ([a-z][a-z0-9_]*, at most 64 characters)',
      'no_window: eventTypes: must list at least one event type',
      'no_window: field: must be a dotted path starting at id, type, time, timeMs, entities, data (e.g. data.amount)',
      'no_window: window: is required for max (e.g. 24h, 30d)',
      'typo: Unrecognized key: "windows"',
      'payments_high_risk_30d: name: "payments_high_risk_30d" is defined more than once',
      'payments_high_risk_30d: filter: must be a function (event) => boolean',
      '#6: name: must be a string',
      '#6: eventTypes: must be a list of event types',
      '#6: aggregate: must be one of count, sum, distinct, min, max, first_seen, last_seen',
    ]);
  });

  test('refuses a non-list, duplicate event types and entity types with ":"', () => {
    assert.deepEqual(messages({}), ['(all): feature definitions must be a list']);
    assert.deepEqual(messages([{ ...payments, eventTypes: ['a', 'a'], entityType: 'payment:account' }]), [
      'payments_high_risk_30d: entityType: must be lowercase_with_underscores ([a-z][a-z0-9_]*, at most 64 characters)',
      'payments_high_risk_30d: eventTypes: must not list an event type twice',
    ]);
  });
});

describe('defineFeatures', () => {
  test('returns frozen specs with defaults and derived values, accepted again as they are', () => {
    const [spec] = defineFeatures([{ ...payments, field: 'data.amount' }]);
    assert.ok(spec);
    assert.equal(spec.entityType, 'payment_account');
    assert.equal(spec.windowMs, 30 * 86_400_000);
    assert.equal(spec.bucketMs, 12 * 3_600_000);
    assert.deepEqual(spec.fieldPath, ['data', 'amount']);
    assert.ok(Object.isFrozen(spec));
    assert.equal(defineFeatures([spec])[0], spec);
    const [seen] = defineFeatures([
      { name: 'seen', entity: 'user', eventTypes: ['x'], aggregate: 'last_seen', window: '1d' },
    ]);
    assert.equal(seen?.windowMs, null);
  });

  test('throws CONFIG_INVALID listing every problem, one per line', () => {
    const bad = [payments, { ...payments, window: '0d' }];
    assert.throws(
      () => defineFeatures(bad),
      (error: unknown) =>
        isEngineError(error) &&
        error.code === 'CONFIG_INVALID' &&
        error.message ===
          'invalid feature definitions:\n' +
            'feature "payments_high_risk_30d": name: "payments_high_risk_30d" is defined more than once\n' +
            `feature "payments_high_risk_30d": window: must be '<n>m', '<n>h' or '<n>d' (e.g. 24h, 30d) between 1m and 400d`,
    );
  });
});
