/** The store's contract on concrete cases: inputs it skips, reads, errors and eviction. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isEngineError } from '../core/index.js';
import type { EngineEvent } from '../events/index.js';
import type { FeatureDefinition } from './definitions.js';
import { FeatureStore } from './feature-store.js';

const base = 1_700_000_000_000;
const hour = 3_600_000;

const definitions: FeatureDefinition[] = [
  { name: 'sent_24h', entity: 'payer', entityType: 'account', eventTypes: ['pay'], aggregate: 'count', window: '24h' },
  {
    name: 'sum_24h',
    entity: 'payer',
    entityType: 'account',
    eventTypes: ['pay'],
    aggregate: 'sum',
    field: 'data.amount',
    window: '24h',
  },
  {
    name: 'min_1h',
    entity: 'payer',
    entityType: 'account',
    eventTypes: ['pay'],
    aggregate: 'min',
    field: 'data.amount',
    window: '1h',
  },
  {
    name: 'payees_1h',
    entity: 'payer',
    entityType: 'account',
    eventTypes: ['pay'],
    aggregate: 'distinct',
    field: 'entities.payee',
    window: '1h',
  },
  {
    name: 'received_1h',
    entity: 'payee',
    entityType: 'account',
    eventTypes: ['pay'],
    aggregate: 'count',
    window: '1h',
  },
  { name: 'first_paid', entity: 'payer', entityType: 'account', eventTypes: ['pay'], aggregate: 'first_seen' },
  { name: 'last_paid', entity: 'payer', entityType: 'account', eventTypes: ['pay'], aggregate: 'last_seen' },
];

let serial = 0;
function pay(timeMs: number, payer: string, payee: string, amount: unknown): EngineEvent {
  serial++;
  return { id: `p${serial}`, type: 'pay', time: '', timeMs, entities: { payer, payee }, data: { amount } };
}

function throwsConfig(run: () => unknown, message: RegExp): void {
  assert.throws(
    run,
    (error: unknown) => isEngineError(error) && error.code === 'CONFIG_INVALID' && message.test(error.message),
  );
}

describe('FeatureStore inputs', () => {
  test('roles sharing an entity type update one entity; sums skip non-numeric amounts', () => {
    const store = new FeatureStore(definitions);
    store.apply(pay(base, 'a', 'b', 10));
    store.apply(pay(base + 1, 'a', 'c', '20'));
    store.apply(pay(base + 2, 'b', 'a', -0));
    store.apply(pay(base + 3, 'a', 'b', Number.NaN));
    assert.deepEqual(store.valuesFor('account:a', base + 3), {
      sent_24h: 3,
      sum_24h: 10,
      min_1h: 10,
      payees_1h: 2,
      received_1h: 1,
      first_paid: base,
      last_paid: base + 3,
    });
    assert.ok(Object.is(store.value('min_1h', 'account:b', base + 3), 0), '−0 is read as 0');
    assert.equal(store.entityCount, 3);
  });

  test('skips events of other types, without the role, with an empty id, or with a non-finite time', () => {
    const store = new FeatureStore(definitions);
    store.apply({ id: '1', type: 'other', time: '', timeMs: base, entities: { payer: 'a' }, data: { amount: 1 } });
    store.apply({ id: '2', type: 'pay', time: '', timeMs: base, entities: { payee: 'a' }, data: {} });
    store.apply({ id: '3', type: 'pay', time: '', timeMs: base, entities: { payer: '' }, data: {} });
    store.apply({ id: '4', type: 'pay', time: '', timeMs: Number.NaN, entities: { payer: 'z' }, data: {} });
    assert.equal(store.value('sent_24h', 'account:a', base), 0);
    assert.equal(store.value('received_1h', 'account:a', base), 1);
    assert.equal(store.entityCount, 1);
  });

  test('a field is present when every step is an own property and the value is not null', () => {
    const withTag: FeatureDefinition[] = [
      { name: 'tagged', entity: 'user', eventTypes: ['e'], aggregate: 'count', field: 'data.tag', window: '1h' },
      { name: 'ctor', entity: 'user', eventTypes: ['e'], aggregate: 'count', field: 'data.constructor', window: '1h' },
      { name: 'tags', entity: 'user', eventTypes: ['e'], aggregate: 'distinct', field: 'data.tag', window: '1h' },
    ];
    const store = new FeatureStore(withTag);
    const tags: unknown[] = [0, null, false, '1', 1, { a: [1] }, { a: [1] }, undefined];
    tags.forEach((tag, index) => {
      const data = tag === undefined ? {} : { tag };
      store.apply({ id: `${index}`, type: 'e', time: '', timeMs: base, entities: { user: 'u' }, data });
    });
    assert.deepEqual(store.valuesFor('user:u', base), { tagged: 6, ctor: 0, tags: 5 });
  });
});

describe('FeatureStore reads', () => {
  test('empty windows read 0 for count, sum and distinct and null for min, max and seen times', () => {
    const store = new FeatureStore(definitions);
    store.apply(pay(base, 'a', 'b', 5));
    const later = base + 2 * hour;
    assert.deepEqual(store.valuesFor('account:a', later), {
      sent_24h: 1,
      sum_24h: 5,
      min_1h: null,
      payees_1h: 0,
      received_1h: 0,
      first_paid: base,
      last_paid: base,
    });
    assert.deepEqual(store.valuesFor('account:nobody', later), {
      sent_24h: 0,
      sum_24h: 0,
      min_1h: null,
      payees_1h: 0,
      received_1h: 0,
      first_paid: null,
      last_paid: null,
    });
    assert.deepEqual(store.valuesFor('device:d1', later), {});
  });

  test('value refuses unknown features and keys of another entity type', () => {
    const store = new FeatureStore(definitions);
    throwsConfig(() => store.value('nope', 'account:a', base), /no feature is named "nope"/);
    throwsConfig(() => store.value('sent_24h', 'user:a', base), /kept per account, not for user:a/);
  });

  test('a distinct value seen again moves to its newest bucket', () => {
    const store = new FeatureStore([definitions[3] as FeatureDefinition]);
    const minute = 60_000; // the bucket of a 1h window
    store.apply(pay(base, 'a', 'kept', 1));
    store.apply(pay(base + 30 * minute, 'a', 'kept', 1));
    assert.equal(store.value('payees_1h', 'account:a', base + 30 * minute), 1);
    for (let i = 0; i < 40; i++) store.apply(pay(base + 60 * minute, 'a', `p${i}`, 1));
    store.apply(pay(base + 60 * minute, 'a', 'old', 1));
    store.apply(pay(base + 60 * minute, 'a', 'kept', 1));
    assert.equal(store.value('payees_1h', 'account:a', base + 60 * minute), 42);
    store.apply(pay(base + 120 * minute, 'a', 'kept', 1));
    assert.equal(store.value('payees_1h', 'account:a', base + 120 * minute), 42);
    assert.equal(store.value('payees_1h', 'account:a', base + 121 * minute), 1);
  });

  test('a sweep of the value map keeps values in the oldest bucket still in the window', () => {
    const store = new FeatureStore([definitions[3] as FeatureDefinition]);
    const minute = 60_000;
    store.apply(pay(base, 'a', 'edge', 1));
    for (let i = 0; i < 20; i++) store.apply(pay(base + 60 * minute, 'a', `p${i}`, 1)); // sweeps at bucket +60
    store.apply(pay(base + 30 * minute, 'a', 'edge', 1));
    assert.equal(store.value('payees_1h', 'account:a', base + 60 * minute), 21);
  });
});

describe('FeatureStore.evictIdle', () => {
  test('forgets an entity when nothing is left in any window, with its seen times', () => {
    const store = new FeatureStore(definitions);
    store.apply(pay(base, 'a', 'b', 1));
    // The event's bucket leaves the last window that reads it 61 buckets after its own.
    const bGone = (Math.floor(base / 60_000) + 61) * 60_000; // b only feeds the 1h count
    const aGone = (Math.floor(base / (24 * 60_000)) + 61) * 24 * 60_000; // a's longest window is 24h
    assert.equal(store.evictIdle(bGone - 1), 0);
    assert.equal(store.evictIdle(bGone), 1);
    assert.equal(store.evictIdle(aGone - 1), 0);
    assert.equal(store.value('sent_24h', 'account:a', aGone - 1), 1);
    assert.equal(store.value('sent_24h', 'account:a', aGone), 0);
    assert.equal(store.evictIdle(aGone), 1);
    assert.equal(store.value('first_paid', 'account:a', aGone), null);
    assert.equal(store.entityCount, 0);
  });

  test('a new event keeps an entity', () => {
    const store = new FeatureStore(definitions);
    store.apply(pay(base, 'a', 'b', 1));
    store.apply(pay(base + 23 * hour, 'a', 'b', 1));
    assert.equal(store.evictIdle(base + 25 * hour), 1, 'b, only ever a payee, is idle');
    assert.equal(store.entityCount, 1);
    assert.equal(store.value('sent_24h', 'account:a', base + 25 * hour), 1);
    assert.equal(store.value('first_paid', 'account:a', base + 25 * hour), base);
  });

  test('an entity with only all-time features is idle at once', () => {
    const seenOnly: FeatureDefinition[] = [{ name: 'seen', entity: 'user', eventTypes: ['e'], aggregate: 'last_seen' }];
    const store = new FeatureStore(seenOnly);
    store.apply({ id: '1', type: 'e', time: '', timeMs: base, entities: { user: 'u' }, data: {} });
    assert.equal(store.evictIdle(base), 1);
  });
});
