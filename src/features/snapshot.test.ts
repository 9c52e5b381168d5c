/** The snapshot format, pinned, and what `FeatureStore.restore` refuses or drops. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isEngineError } from '../core/index.js';
import type { EngineEvent } from '../events/index.js';
import type { FeatureDefinition } from './definitions.js';
import { FeatureStore } from './feature-store.js';
import type { FeatureSnapshot } from './snapshot.js';

const base = 1_700_000_000_000; // in bucket 28_333_333 of a 1h window (buckets of 1 min)
const total: FeatureDefinition = {
  name: 'total_1h',
  entity: 'user',
  eventTypes: ['pay'],
  aggregate: 'sum',
  field: 'data.amount',
  window: '1h',
};
const payees: FeatureDefinition = {
  name: 'payees_1h',
  entity: 'user',
  eventTypes: ['pay'],
  aggregate: 'distinct',
  field: 'data.payee',
  window: '1h',
};
const first: FeatureDefinition = { name: 'first', entity: 'user', eventTypes: ['pay'], aggregate: 'first_seen' };

function pay(timeMs: number, amount: number, payee: string): EngineEvent {
  return { id: `${timeMs}`, type: 'pay', time: '', timeMs, entities: { user: 'u' }, data: { amount, payee } };
}

function filled(): FeatureStore {
  const store = new FeatureStore([total, payees, first]);
  store.apply(pay(base, 5, 'p1'));
  store.apply(pay(base + 60_000, 7, 'p2'));
  store.apply(pay(base + 61_000, 1, 'p1'));
  return store;
}

function roundTrip(snapshot: FeatureSnapshot): FeatureSnapshot {
  return JSON.parse(JSON.stringify(snapshot)) as FeatureSnapshot;
}

function throwsConfig(run: () => unknown, message: RegExp): void {
  assert.throws(
    run,
    (error: unknown) => isEngineError(error) && error.code === 'CONFIG_INVALID' && message.test(error.message),
  );
}

describe('FeatureStore.snapshot', () => {
  test('holds each feature identity and each entity’s live buckets, values and times', () => {
    const snapshot = filled().snapshot();
    assert.deepEqual(snapshot.features[0], {
      name: 'total_1h',
      entity: 'user',
      entityType: 'user',
      eventTypes: ['pay'],
      aggregate: 'sum',
      field: 'data.amount',
      windowMs: 3_600_000,
      filtered: false,
    });
    assert.equal(snapshot.version, 1);
    assert.deepEqual(snapshot.entities, [
      {
        key: 'user:u',
        features: {
          total_1h: { buckets: [28_333_333, 5, 28_333_334, 8] },
          payees_1h: {
            buckets: [28_333_333, 0, 28_333_334, 2],
            values: [
              ['"p1"', 28_333_334],
              ['"p2"', 28_333_334],
            ],
          },
          first: { seenMs: base },
        },
      },
    ]);
  });

  test('a sum that overflowed survives JSON', () => {
    const store = new FeatureStore([total]);
    store.apply(pay(base, Number.MAX_VALUE, 'p'));
    store.apply(pay(base, Number.MAX_VALUE, 'p'));
    const restored = FeatureStore.restore([total], roundTrip(store.snapshot()));
    assert.equal(restored.value('total_1h', 'user:u', base), Number.POSITIVE_INFINITY);
  });
});

describe('FeatureStore.restore', () => {
  test('drops removed features, starts added ones empty, keeps the rest', () => {
    const max: FeatureDefinition = { ...total, name: 'max_1h', aggregate: 'max' };
    const restored = FeatureStore.restore([total, max], roundTrip(filled().snapshot()));
    assert.deepEqual(restored.valuesFor('user:u', base + 61_000), { total_1h: 13, max_1h: null });
    restored.apply(pay(base + 62_000, 3, 'p3'));
    assert.deepEqual(restored.valuesFor('user:u', base + 62_000), { total_1h: 16, max_1h: 3 });
  });

  test('refuses a feature that changed meaning under its name', () => {
    const snapshot = roundTrip(filled().snapshot());
    throwsConfig(() => FeatureStore.restore([{ ...total, window: '2h' }], snapshot), /"total_1h" changed since/);
    throwsConfig(() => FeatureStore.restore([{ ...first, filter: () => true }], snapshot), /"first" changed since/);
  });

  test('refuses other versions and malformed states', () => {
    const snapshot = roundTrip(filled().snapshot());
    const entity = snapshot.entities[0];
    assert.ok(entity);
    const withState = (features: Record<string, unknown>): FeatureSnapshot =>
      ({
        ...snapshot,
        entities: [{ key: 'user:u', features: { ...entity.features, ...features } }],
      }) as FeatureSnapshot;
    const definitions = [total, payees, first];
    throwsConfig(() => FeatureStore.restore(definitions, { ...snapshot, version: 2 } as never), /expected version 1/);
    throwsConfig(
      () => FeatureStore.restore(definitions, withState({ total_1h: { buckets: [2, 1, 1, 1] } })),
      /buckets/,
    );
    throwsConfig(() => FeatureStore.restore(definitions, withState({ total_1h: { buckets: [1, 'x'] } })), /buckets/);
    throwsConfig(
      () => FeatureStore.restore(definitions, withState({ total_1h: { buckets: [1, 1, 62, 1] } })),
      /buckets/,
    );
    throwsConfig(() => FeatureStore.restore(definitions, withState({ first: { seenMs: 'x' } })), /seenMs/);
    const lostValue = { buckets: [28_333_334, 2], values: [['"p1"', 28_333_334]] };
    throwsConfig(() => FeatureStore.restore(definitions, withState({ payees_1h: lostValue })), /values/);
    const badKey = { ...snapshot, entities: [{ key: 'nokey', features: {} }] };
    throwsConfig(() => FeatureStore.restore(definitions, badKey), /type:id/);
  });
});
