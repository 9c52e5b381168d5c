import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type PaymentRecord, paymentChannels } from '../payments/index.js';
import { type LegitimatePersona, simulatePayments } from './index.js';
import { personaShares } from './roles.js';
import { plantedKinds } from './scenario-mix.js';
import { unitsPerUsd } from './world.js';

const isoWithOffset = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})([+-])(\d{2}):(\d{2})$/;
const purposes = new Set(['FAMI', 'EDUC', 'SALA', 'GDDS', 'SUPP', 'MDCS', 'RENT']);
const relationships = new Set(['parent', 'sibling', 'spouse', 'child', 'relative', 'friend', 'none']);

function take<T>(items: Iterable<T>, count: number): T[] {
  const taken: T[] = [];
  for (const item of items) {
    if (taken.length >= count) break;
    taken.push(item);
  }
  return taken;
}

/** Every reason `record` is not a well-formed generated payment (empty when it is one). */
function problems(record: PaymentRecord, windowStart: number, windowEnd: number): string[] {
  const found: string[] = [];
  const match = isoWithOffset.exec(record.time);
  if (match === null) return [`time ${record.time} is not ISO-8601 with an offset`];
  const at = Date.parse(record.time);
  if (!(at >= windowStart && at < windowEnd)) found.push(`time ${record.time} outside the window`);
  if (record.localHour !== Number(match[4]))
    found.push(`localHour ${record.localHour} is not the hour of ${record.time}`);
  const offsetMinutes = (match[7] === '-' ? -1 : 1) * (Number(match[8]) * 60 + Number(match[9]));
  const utcHour = new Date(at).getUTCHours() + new Date(at).getUTCMinutes() / 60;
  if (Math.floor(((((utcHour * 60 + offsetMinutes) % 1440) + 1440) % 1440) / 60) !== record.localHour) {
    found.push(`localHour ${record.localHour} does not follow from the offset`);
  }
  if (!(record.amount > 0) || !Number.isFinite(record.amount)) found.push(`amount ${record.amount}`);
  if (Math.round(record.amount * 100) / 100 !== record.amount)
    found.push(`amount ${record.amount} has sub-cent digits`);
  if (unitsPerUsd[record.currency] === undefined) found.push(`currency ${record.currency}`);
  if (record.channel === undefined || !(paymentChannels as readonly string[]).includes(record.channel)) {
    found.push(`channel ${record.channel}`);
  }
  if (record.purpose !== undefined && !purposes.has(record.purpose)) found.push(`purpose ${record.purpose}`);
  if (record.declaredRelationship !== undefined && !relationships.has(record.declaredRelationship)) {
    found.push(`relationship ${record.declaredRelationship}`);
  }
  for (const [side, party] of [
    ['payer', record.payer],
    ['payee', record.payee],
  ] as const) {
    if (!/^acct-\d{6,}$/.test(party.account)) found.push(`${side} account ${party.account}`);
    if (party.name === undefined || !party.name.startsWith('Test ')) found.push(`${side} name ${party.name}`);
    if (party.country !== undefined && !/^[A-Z]{2}$/.test(party.country)) found.push(`${side} country`);
  }
  if (record.payer.account === record.payee.account) found.push('pays itself');
  if (record.payer.country === undefined || record.payer.type === undefined)
    found.push('payer without country or type');
  if (record.payer.type === 'individual') {
    if (record.payer.birthDate === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(record.payer.birthDate)) {
      found.push('individual payer without a birth date');
    }
    if (record.payer.birthCountry === undefined) found.push('individual payer without a birth country');
  } else if (record.payer.birthDate !== undefined) found.push('organisation with a birth date');
  if (record.channel === 'cash_pickup' && record.payee.type === 'individual' && record.payeeDocument === undefined) {
    found.push('cash pick-up to a person without a document');
  }
  if (record.channel === 'card' && record.merchantCategory === undefined) found.push('card payment without a category');
  if (record.cryptoRiskTags !== undefined && (record.channel !== 'crypto' || record.cryptoRiskTags.length === 0)) {
    found.push('risk tags on a non-crypto payment, or an empty tag list');
  }
  return found;
}

describe('simulatePayments', () => {
  test('is deterministic: the same seed gives the same records and labels, another seed others', () => {
    const options = { seed: 42, accounts: 600, days: 30 };
    const first = simulatePayments(options);
    const again = simulatePayments(options);
    assert.deepEqual(take(first.payments, 1000), take(again.payments, 1000));
    assert.deepEqual(first.labels, again.labels);
    assert.deepEqual(first.legitimate, again.legitimate);
    assert.deepEqual(take(first.payments, 1000), take(first.payments, 1000), 'iterating twice regenerates the same');
    const other = simulatePayments({ ...options, seed: 43 });
    assert.notDeepEqual(take(other.payments, 1000), take(first.payments, 1000));
    assert.notDeepEqual(other.labels, first.labels);
  });

  test('every record of 2,000 accounts × 30 days is well formed, sorted, unique and inside the window', () => {
    const simulation = simulatePayments({ seed: 7, accounts: 2000, days: 30, start: '2026-03-10' });
    const windowStart = Date.parse('2026-03-10T00:00:00Z');
    const windowEnd = windowStart + 30 * 86_400_000;
    assert.deepEqual(simulation.window, {
      start: '2026-03-10T00:00:00.000Z',
      end: '2026-04-09T00:00:00.000Z',
      days: 30,
    });
    const ids = new Set<string>();
    const payers = new Set<string>();
    const channels = new Set<string>();
    let previous = Number.NEGATIVE_INFINITY;
    let count = 0;
    const failures: string[] = [];
    for (const record of simulation.payments) {
      count++;
      const at = Date.parse(record.time);
      if (at < previous) failures.push(`${record.id} before its predecessor`);
      previous = at;
      if (ids.has(record.id)) failures.push(`${record.id} repeated`);
      ids.add(record.id);
      payers.add(record.payer.account);
      if (record.channel !== undefined) channels.add(record.channel);
      for (const problem of problems(record, windowStart, windowEnd)) failures.push(`${record.id}: ${problem}`);
    }
    assert.deepEqual(failures.slice(0, 10), []);
    assert.match([...ids][0] ?? '', /^sim-7-0$/);
    // Bounded: a customer makes about a dozen payments a month; nothing multiplies per account.
    const perAccountDay = count / (2000 * 30);
    assert.ok(perAccountDay > 0.2 && perAccountDay < 1, `${perAccountDay.toFixed(3)} payments per account-day`);
    assert.ok(simulation.accountCount < 2000 * 3, `${simulation.accountCount} accounts allocated`);
    assert.ok(payers.size > 1900, `${payers.size} distinct payers`);
    for (const channel of [
      'mto_online',
      'p2p_wallet',
      'bank_wire',
      'card',
      'gift_card',
      'crypto',
      'atm',
      'cash_pickup',
    ]) {
      assert.ok(channels.has(channel), `some ${channel} payment`);
    }
  });

  test('labels: one per planted account, kinds scale with the mix, legitimate personas in proportion', () => {
    const simulation = simulatePayments({ seed: 3, accounts: 5000, days: 30 });
    const accounts = simulation.labels.map((label) => label.account);
    assert.equal(new Set(accounts).size, accounts.length, 'no account labelled twice');
    const legitimateAccounts = new Set(simulation.legitimate.map((label) => label.account));
    assert.ok(
      accounts.every((account) => !legitimateAccounts.has(account)),
      'planted accounts are not also legitimate',
    );
    assert.deepEqual(
      { ...simulation.plantedCounts, sextortion_victim: 0 },
      { offender: 30, facilitator: 5, sextortion_victim: 0, mule: 4, travel_to_offend: 5, crypto_exposure: 4 },
    );
    assert.ok(simulation.plantedCounts.sextortion_victim >= 10 + 4 * 5, 'ten direct victims and 5–7 per mule');
    for (const label of simulation.labels) {
      assert.ok(plantedKinds.includes(label.kind));
      assert.ok(label.indicators.length > 0);
    }
    const byPersona = new Map<LegitimatePersona, number>();
    for (const label of simulation.legitimate) {
      assert.equal(label.typology, null);
      byPersona.set(label.persona, (byPersona.get(label.persona) ?? 0) + 1);
    }
    const payers = [...byPersona.entries()]
      .filter(([persona]) => personaShares.some(([name]) => name === persona))
      .reduce((sum, [, count]) => sum + count, 0);
    assert.ok(payers / 5000 > 0.96, `${payers} legitimate payers of 5,000 (about 97%)`);
    const total = personaShares.reduce((sum, [, share]) => sum + share, 0);
    for (const [persona, share] of personaShares) {
      const actual = (byPersona.get(persona) ?? 0) / payers;
      const expected = share / total;
      assert.ok(Math.abs(actual - expected) < expected * 0.1 + 0.002, `${persona}: ${actual} vs ${expected}`);
    }
    for (const receiver of [
      'employer',
      'charity_receiver',
      'small_shop_receiver',
      'sibling_group_receiver',
      'school_receiver',
    ] as const) {
      assert.ok((byPersona.get(receiver) ?? 0) > 0, `some ${receiver}`);
    }
  });

  test('a zero rate removes a kind, and options out of range throw', () => {
    const simulation = simulatePayments({ seed: 1, accounts: 300, days: 10, mix: { mules: 0, facilitators: 0 } });
    assert.equal(simulation.plantedCounts.mule, 0);
    assert.equal(simulation.plantedCounts.facilitator, 0);
    assert.ok(simulation.plantedCounts.offender >= 1);
    assert.throws(() => simulatePayments({ seed: 1, accounts: 0, days: 10 }), RangeError);
    assert.throws(() => simulatePayments({ seed: 1, accounts: 100, days: 0 }), RangeError);
    assert.throws(() => simulatePayments({ seed: 1.5, accounts: 100, days: 10 }), RangeError);
    assert.throws(() => simulatePayments({ seed: 1, accounts: 100, days: 10, start: 'soon' }), RangeError);
    assert.throws(() => simulatePayments({ seed: 1, accounts: 100, days: 10, mix: { offenders: -1 } }), RangeError);
    assert.throws(() => simulatePayments({ seed: 1, accounts: 100, days: 10, mix: { offenders: 9000 } }), RangeError);
  });
});
