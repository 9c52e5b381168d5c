/**
 * The incremental store against the reference recomputation from raw events, for every
 * aggregate, random windows and random streams (out of order, late, duplicate timestamps,
 * filters, missing and non-numeric fields, several entities and roles sharing an entity type),
 * and snapshot → restore → apply the rest against applying everything.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { EngineEvent } from '../events/index.js';
import { type Aggregate, aggregates, type FeatureDefinition } from './definitions.js';
import { FeatureStore } from './feature-store.js';
import { recomputeFeature } from './recompute.js';
import type { FeatureSnapshot } from './snapshot.js';

const t0 = 1_700_000_000_000;
const ids = ['a', 'b'];
const eventTypes = ['payment.sent', 'stream.view'];
const keys = [...ids.map((id) => `user:${id}`), ...ids.map((id) => `payee:${id}`)];
const flagged = (event: EngineEvent): boolean => event.data.flag === true;

/** Times over ~25 minutes: windows of 1–10 minutes see plenty of expiry and late events. */
const time = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 25 * 60_000 }), weight: 2 },
  { arbitrary: fc.integer({ min: 0, max: 100 }).map((n) => n * 15_000), weight: 2 }, // bucket and window edges
  { arbitrary: fc.constantFrom(1_000, 59_999, 60_000, 120_000), weight: 1 }, // duplicate timestamps
);

const field = (values: fc.Arbitrary<unknown>) => fc.option(values, { nil: undefined, freq: 4 });

const eventArb = fc.record({
  type: fc.constantFrom(...eventTypes, 'other.type'),
  offset: time,
  user: fc.option(fc.constantFrom(...ids, ''), { nil: undefined, freq: 5 }),
  payee: fc.option(fc.constantFrom(...ids), { nil: undefined, freq: 3 }),
  amount: field(
    fc.oneof(fc.integer({ min: -500, max: 500 }), fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constant('12')),
  ),
  tag: field(
    fc.oneof(
      fc.constantFrom<unknown>('x', 'y', '', '\u00001', 1, '1', true, null, { k: 1 }, [1, 2]),
      fc.integer({ max: 40 }),
    ),
  ),
  flag: fc.boolean(),
});

/** Late stragglers are moved back by up to 3 minutes, or by whole minutes (window edges). */
const jitterArb = fc.oneof(fc.integer({ min: 0, max: 180_000 }), fc.constantFrom(60_000, 120_000, 300_000));

/** A stream in arrival order: random, or sorted with every 7th event a late straggler. */
const streamArb = fc
  .tuple(fc.array(eventArb, { maxLength: 80, size: 'max' }), fc.boolean(), jitterArb)
  .map(([drafts, sorted, jitter]) => {
    const ordered = sorted ? [...drafts].sort((x, y) => x.offset - y.offset) : drafts;
    return ordered.map((draft, index): EngineEvent => {
      const entities: Record<string, string> = {};
      if (draft.user !== undefined) entities.user = draft.user;
      if (draft.payee !== undefined) entities.payee = draft.payee;
      const data: Record<string, unknown> = { flag: draft.flag };
      if (draft.amount !== undefined) data.amount = draft.amount;
      if (draft.tag !== undefined) data.tag = draft.tag;
      const late = sorted && index % 7 === 3 ? jitter : 0;
      const timeMs = t0 + Math.max(0, draft.offset - late);
      return { id: `e${index}`, type: draft.type, time: new Date(timeMs).toISOString(), timeMs, entities, data };
    });
  });

const featureArb = fc.record({
  aggregate: fc.constantFrom<Aggregate>(...aggregates),
  entity: fc.constantFrom('user', 'payee'),
  payeeIsUser: fc.boolean(),
  eventTypes: fc.subarray(eventTypes, { minLength: 1 }),
  window: fc.oneof(
    { arbitrary: fc.integer({ min: 1, max: 10 }).map((n) => `${n}m`), weight: 3 },
    { arbitrary: fc.constantFrom('1h', '7d'), weight: 1 },
  ),
  filtered: fc.boolean(),
  presenceField: fc.boolean(),
  distinctField: fc.constantFrom('data.tag', 'entities.user', 'data.amount'),
});

const featuresArb = fc.array(featureArb, { minLength: 1, maxLength: 6 }).map((drafts) =>
  drafts.map((draft, index): FeatureDefinition => {
    const fieldByAggregate: Partial<Record<Aggregate, string>> = {
      sum: 'data.amount',
      min: 'data.amount',
      max: 'data.amount',
      distinct: draft.distinctField,
    };
    const field = fieldByAggregate[draft.aggregate] ?? (draft.presenceField ? 'data.tag' : undefined);
    return {
      name: `f${index}_${draft.aggregate}`,
      entity: draft.entity,
      ...(draft.entity === 'payee' && draft.payeeIsUser ? { entityType: 'user' } : {}),
      eventTypes: draft.eventTypes,
      aggregate: draft.aggregate,
      ...(field === undefined ? {} : { field }),
      window: draft.window,
      ...(draft.filtered ? { filter: flagged } : {}),
    };
  }),
);

/** Query offsets after the newest event: 0, random, and bucket edges of the shortest windows. */
const queriesArb = fc.array(
  fc.oneof(
    fc.integer({ min: 0, max: 30 * 60_000 }),
    fc.integer({ min: 0, max: 40 }).map((n) => n * 30_000),
  ),
  { minLength: 1, maxLength: 5 },
);

function newestTime(events: readonly EngineEvent[]): number {
  return events.reduce((newest, event) => Math.max(newest, event.timeMs), t0);
}

function keysOf(definition: FeatureDefinition): string[] {
  const entityType = definition.entityType ?? definition.entity;
  return keys.filter((key) => key.startsWith(`${entityType}:`));
}

function assertSameValues(
  actual: FeatureStore,
  expected: (definition: FeatureDefinition, key: string, atMs: number) => number | null,
  definitions: readonly FeatureDefinition[],
  times: readonly number[],
): void {
  for (const atMs of times) {
    for (const definition of definitions) {
      for (const key of keysOf(definition)) {
        const value = actual.value(definition.name, key, atMs);
        assert.deepStrictEqual(value, expected(definition, key, atMs), `${definition.name} ${key} at ${atMs}`);
        assert.deepStrictEqual(actual.valuesFor(key, atMs)[definition.name], value);
      }
    }
  }
}

describe('FeatureStore', () => {
  test('incremental values equal the recomputation from raw events, for every aggregate', () => {
    fc.assert(
      fc.property(featuresArb, streamArb, queriesArb, (definitions, events, offsets) => {
        const store = new FeatureStore(definitions);
        for (const event of events) store.apply(event);
        const newest = newestTime(events);
        const times = offsets.map((offset) => newest + offset);
        assertSameValues(
          store,
          (definition, key, atMs) => recomputeFeature(definition, events, key, atMs),
          definitions,
          [newest, ...times],
        );
      }),
      { numRuns: 300 },
    );
  });

  test('values read after every event equal the recomputation over the events so far', () => {
    fc.assert(
      fc.property(featuresArb, streamArb, (definitions, events) => {
        const store = new FeatureStore(definitions);
        let newest = t0;
        events.forEach((event, index) => {
          store.apply(event);
          newest = Math.max(newest, event.timeMs);
          const sofar = events.slice(0, index + 1);
          assertSameValues(store, (d, key, atMs) => recomputeFeature(d, sofar, key, atMs), definitions, [newest]);
        });
      }),
      { numRuns: 150 },
    );
  });

  test('evicting idle entities midway changes no windowed value read after the eviction and the last event', () => {
    fc.assert(
      fc.property(featuresArb, streamArb, fc.nat(), fc.nat({ max: 20 * 60_000 }), (definitions, events, cut, pause) => {
        const split = events.length === 0 ? 0 : cut % (events.length + 1);
        const whole = new FeatureStore(definitions);
        for (const event of events) whole.apply(event);
        const evicting = new FeatureStore(definitions);
        for (const event of events.slice(0, split)) evicting.apply(event);
        const evictedAt = newestTime(events.slice(0, split)) + pause;
        evicting.evictIdle(evictedAt);
        for (const event of events.slice(split)) evicting.apply(event);
        const windowed = definitions.filter((d) => d.aggregate !== 'first_seen' && d.aggregate !== 'last_seen');
        const after = Math.max(newestTime(events), evictedAt);
        assertSameValues(evicting, (d, key, atMs) => whole.value(d.name, key, atMs), windowed, [after, after + 30_000]);
      }),
      { numRuns: 200 },
    );
  });

  test('snapshot → JSON → restore → apply the rest equals applying every event', () => {
    fc.assert(
      fc.property(featuresArb, streamArb, fc.nat(), queriesArb, (definitions, events, cut, offsets) => {
        const split = events.length === 0 ? 0 : cut % (events.length + 1);
        const whole = new FeatureStore(definitions);
        for (const event of events) whole.apply(event);
        const first = new FeatureStore(definitions);
        for (const event of events.slice(0, split)) first.apply(event);
        const stored = JSON.parse(JSON.stringify(first.snapshot())) as FeatureSnapshot;
        const restored = FeatureStore.restore(definitions, stored);
        for (const event of events.slice(split)) restored.apply(event);
        const newest = newestTime(events);
        const times = [newest, ...offsets.map((offset) => newest + offset)];
        assertSameValues(restored, (d, key, atMs) => whole.value(d.name, key, atMs), definitions, times);
        assert.equal(restored.entityCount, whole.entityCount);
        const again = FeatureStore.restore(definitions, JSON.parse(JSON.stringify(restored.snapshot())));
        assertSameValues(again, (d, key, atMs) => whole.value(d.name, key, atMs), definitions, times);
      }),
      { numRuns: 300 },
    );
  });
});

describe('computed feature values', () => {
  const event = (id: string, amount: number, currency: string, timeMs: number): EngineEvent => ({
    id,
    type: 'payment.sent',
    time: new Date(timeMs).toISOString(),
    timeMs,
    entities: { payment_account: 'a1', payee_account: 'b1' },
    data: { amount, currency },
  });
  const rates: Record<string, number> = { USD: 1, EUR: 2 };
  const definition: FeatureDefinition = {
    name: 'usd_sent_7d',
    entity: 'payment_account',
    eventTypes: ['payment.sent'],
    aggregate: 'sum',
    window: '7d',
    value: (input) => (input.data.amount as number) * (rates[input.data.currency as string] ?? Number.NaN),
  };

  test('a value function replaces the field, agrees with recomputation, and skips non-numbers', () => {
    const store = new FeatureStore([definition]);
    const events = [event('e1', 10, 'USD', 1_000), event('e2', 10, 'EUR', 2_000), event('e3', 10, 'XXX', 3_000)];
    for (const item of events) store.apply(item);
    assert.equal(store.value('usd_sent_7d', 'payment_account:a1', 3_000), 30);
    assert.equal(recomputeFeature(definition, events, 'payment_account:a1', 3_000), 30);
  });

  test('field and value together, or neither for a sum, are refused', () => {
    assert.throws(() => new FeatureStore([{ ...definition, field: 'data.amount' }]), /either field or value/);
    const { value: _ignored, ...withoutValue } = definition;
    assert.throws(() => new FeatureStore([withoutValue]), /field: is required for sum/);
  });
});
