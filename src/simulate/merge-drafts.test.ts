import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PaymentParty, PaymentRecord } from '../payments/index.js';
import { passThroughReactor } from './behaviours/pass-through.js';
import { hourMs } from './clock.js';
import { mergeDrafts } from './merge-drafts.js';
import type { PaymentDraft } from './payment-draft.js';
import { createRandom } from './random.js';

const alice: PaymentParty = { account: 'acct-000001', name: 'Test Payer 1 Oak', country: 'GB', type: 'individual' };
const bob: PaymentParty = { account: 'acct-000002', name: 'Test Payer 2 Elm', country: 'GB', type: 'individual' };
const shop: PaymentParty = { account: 'acct-000003', name: 'Test Retail 1', country: 'GB', type: 'organisation' };
const base = Date.parse('2026-01-01T00:00:00Z');

function draft(at: number, payer: PaymentParty, payee: PaymentParty, amount = 10): PaymentDraft {
  return { at, offsetMinutes: 0, payer, payee, amount, currency: 'GBP', channel: 'p2p_wallet' };
}

/** A source that counts how many drafts were pulled from it. */
function counted(drafts: PaymentDraft[]) {
  const state = { pulled: 0 };
  const iterator: Iterator<PaymentDraft> = {
    next: () => {
      const value = drafts[state.pulled];
      if (value === undefined) return { done: true, value: undefined };
      state.pulled++;
      return { done: false, value };
    },
  };
  return { iterator, state };
}

function merge(sources: Iterator<PaymentDraft>[], reactors = new Map(), windowEnd = base + 10 * 24 * hourMs) {
  return mergeDrafts({ sources, reactors, windowStart: base, windowEnd, idOf: (sequence) => `t-${sequence}` });
}

describe('mergeDrafts', () => {
  test('emits sorted records with sequential ids, pulling only one draft ahead per source', () => {
    const first = counted([draft(base + 1000, alice, shop), draft(base + 5000, alice, shop)]);
    const second = counted([
      draft(base + 1000, bob, shop),
      draft(base + 3000, bob, shop),
      draft(base + 9000, bob, shop),
    ]);
    const records = merge([first.iterator, second.iterator]);
    const head = records.next().value as PaymentRecord;
    assert.equal(head.payer.account, alice.account, 'ties go to the earlier source');
    assert.deepEqual([first.state.pulled, second.state.pulled], [2, 1], 'lazy: one pending draft per source');
    const rest = [...records];
    assert.deepEqual(
      [head, ...rest].map((record) => [record.id, record.time]),
      [
        ['t-0', '2026-01-01T00:00:01+00:00'],
        ['t-1', '2026-01-01T00:00:01+00:00'],
        ['t-2', '2026-01-01T00:00:03+00:00'],
        ['t-3', '2026-01-01T00:00:05+00:00'],
        ['t-4', '2026-01-01T00:00:09+00:00'],
      ],
    );
  });

  test('drops drafts outside the window and refuses a source that goes back in time', () => {
    const inside = [...merge([[draft(base - 1000, alice, shop), draft(base, alice, shop)].values()])];
    assert.deepEqual(
      inside.map((record) => record.time),
      ['2026-01-01T00:00:00+00:00'],
    );
    assert.throws(
      () => [...merge([[draft(base + 5000, alice, shop), draft(base + 1000, alice, shop)].values()])],
      /out of order/,
    );
  });

  test('a pass-through reactor forwards what reached it, later, and inside the same sorted stream', () => {
    const reactor = passThroughReactor(
      {
        delayHours: [2, 3],
        share: [0.9, 0.9],
        payout: (_random, usd, _collected, at) => draft(at, bob, shop, Math.round(usd * 100) / 100),
      },
      createRandom(1),
    );
    const inflows = [
      draft(base, alice, bob, 79),
      draft(base + hourMs, alice, bob, 79),
      draft(base + 10 * hourMs, alice, bob, 79),
    ];
    const records = [...merge([inflows.values()], new Map([[bob.account, reactor]]))];
    const forwarded = records.filter((record) => record.payer.account === bob.account);
    assert.equal(forwarded.length, 2, 'the first two inflows go out together, the third on its own');
    assert.deepEqual(
      forwarded.map((record) => record.amount),
      [180, 90],
      'USD 90% of 2 × 100 and of 100 (GBP 79 = USD 100 in the frozen table)',
    );
    const times = records.map((record) => Date.parse(record.time));
    assert.deepEqual(
      times,
      [...times].sort((left, right) => left - right),
    );
    assert.ok(Date.parse(forwarded[0]?.time ?? '') - base <= 3 * hourMs);
  });
});
