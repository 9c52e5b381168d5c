/**
 * The window syntax and the documented bucket rule, pinned on concrete times: with window W and
 * buckets b = W / 60, an event counts at t exactly when floor(time / b) ≥ floor(t / b) − 60.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EngineEvent } from '../events/index.js';
import type { FeatureDefinition } from './definitions.js';
import { FeatureStore } from './feature-store.js';
import { recomputeFeature } from './recompute.js';
import { bucketOf, bucketWidthMs, maxWindowMs, minWindowMs, parseWindow } from './window.js';

const minute = 60_000;
const counted: FeatureDefinition = {
  name: 'views',
  entity: 'user',
  eventTypes: ['view'],
  aggregate: 'count',
  window: '1m',
};

function view(timeMs: number, user = 'u1'): EngineEvent {
  return { id: `${user}@${timeMs}`, type: 'view', time: '', timeMs, entities: { user }, data: {} };
}

/** The count at `atMs` after applying `times`, checked against the reference too. */
function countAt(times: readonly number[], atMs: number): number | null {
  const store = new FeatureStore([counted]);
  const events = times.map((timeMs) => view(timeMs));
  for (const event of events) store.apply(event);
  const value = store.value('views', 'user:u1', atMs);
  assert.equal(value, recomputeFeature(counted, events, 'user:u1', atMs));
  return value;
}

describe('parseWindow', () => {
  test('reads <n>m, <n>h and <n>d from 1m to 400d', () => {
    assert.equal(parseWindow('1m'), minWindowMs);
    assert.equal(parseWindow('24h'), 86_400_000);
    assert.equal(parseWindow('30d'), 30 * 86_400_000);
    assert.equal(parseWindow('400d'), maxWindowMs);
    assert.equal(parseWindow('9600h'), maxWindowMs);
  });

  test('refuses other units, zero, leading zeros, fractions, spaces and out-of-range windows', () => {
    for (const text of ['', '0m', '01h', '1.5h', '1 h', '1w', '30s', 'h', '401d', '9601h', '-1d', '1D', '24h ']) {
      assert.equal(parseWindow(text), undefined, text);
    }
  });

  test('every window has a whole-millisecond bucket of window / 60', () => {
    assert.equal(bucketWidthMs(minWindowMs), 1_000);
    assert.equal(bucketWidthMs(parseWindow('7m') ?? 0), 7_000);
    assert.equal(bucketWidthMs(parseWindow('24h') ?? 0), 24 * minute);
    assert.equal(bucketWidthMs(parseWindow('30d') ?? 0), 12 * 60 * minute);
    assert.equal(bucketOf(-1, 1_000), -1);
  });
});

describe('bucket rule (1m window: buckets of 1 s)', () => {
  const base = 1_700_000_000_000; // a bucket edge

  test('an event exactly at t − window counts', () => {
    assert.equal(countAt([base], base + minute), 1);
  });

  test('the oldest overlapping bucket counts whole: up to one bucket more than the window', () => {
    assert.equal(countAt([base], base + minute + 999), 1);
    assert.equal(countAt([base + 999], base + minute + 999), 1);
    assert.equal(countAt([base - 1], base + minute), 0);
  });

  test('an event leaves the window when t reaches the bucket 61 buckets after its own', () => {
    assert.equal(countAt([base + 500], base + minute + 999), 1);
    assert.equal(countAt([base + 500], base + minute + 1_000), 0);
  });

  test('an event at the read time counts, and events at the same time count each', () => {
    assert.equal(countAt([base + 10_000], base + 10_000), 1);
    assert.equal(countAt([base + 10_000, base + 10_000], base + 10_000), 2);
  });

  test('a late event counts while its bucket is within 60 of the newest, and is ignored after', () => {
    assert.equal(countAt([base + minute, base], base + minute), 2);
    assert.equal(countAt([base + minute, base - 1], base + minute), 1);
    assert.equal(countAt([base + minute + 1_000, base + 30_000, base], base + minute + 1_000), 2);
  });

  test('a late event still moves first_seen back', () => {
    const firstSeen: FeatureDefinition = {
      name: 'first',
      entity: 'user',
      eventTypes: ['view'],
      aggregate: 'first_seen',
    };
    const store = new FeatureStore([counted, firstSeen]);
    store.apply(view(base + 10 * minute));
    store.apply(view(base));
    assert.equal(store.value('views', 'user:u1', base + 10 * minute), 1);
    assert.equal(store.value('first', 'user:u1', base + 10 * minute), base);
  });
});
