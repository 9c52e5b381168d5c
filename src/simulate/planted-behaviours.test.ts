import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { PaymentRecord } from '../payments/index.js';
import { type PlantedLabel, type Simulation, simulatePayments } from './index.js';
import { highRiskCountries, toUsd } from './world.js';

const dayMs = 86_400_000;
const hourMs = 3_600_000;
const at = (record: PaymentRecord) => Date.parse(record.time);
const usd = (record: PaymentRecord) => toUsd(record.amount, record.currency);
const isNight = (record: PaymentRecord) =>
  record.localHour !== undefined && (record.localHour >= 22 || record.localHour < 6);
const isRound = (record: PaymentRecord) => record.amount % 10 === 0;

/** Indicator F01 of the notes: small cross-border payment to an individual in the corridor. */
const isF01 = (record: PaymentRecord) =>
  record.payee.type === 'individual' &&
  record.payer.country !== record.payee.country &&
  highRiskCountries.has(record.payee.country ?? '') &&
  usd(record) >= 10 &&
  usd(record) <= 350;

/** Age in whole years on the record's date. */
function ageAt(record: PaymentRecord): number {
  const birth = new Date(`${record.payer.birthDate}T00:00:00Z`);
  const on = new Date(at(record));
  let age = on.getUTCFullYear() - birth.getUTCFullYear();
  if (
    on.getUTCMonth() < birth.getUTCMonth() ||
    (on.getUTCMonth() === birth.getUTCMonth() && on.getUTCDate() < birth.getUTCDate())
  ) {
    age--;
  }
  return age;
}

/** The most timestamps inside any window of `span` milliseconds. */
function mostWithin(times: readonly number[], span: number): number {
  const sorted = [...times].sort((left, right) => left - right);
  let best = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while ((sorted[last] ?? 0) - (sorted[first] ?? 0) >= span) first++;
    best = Math.max(best, last - first + 1);
  }
  return best;
}

/**
 * Whether every inflow is followed, within `hours`, by outflows that together carry at least 80%
 * of it: walks inflows and outflows in time order, each outflow paying off the oldest inflows.
 */
function passesThrough(inflows: readonly PaymentRecord[], outflows: readonly PaymentRecord[], hours: number): boolean {
  const pending = inflows.map((record) => ({ at: at(record), left: usd(record) * 0.8 }));
  for (const outflow of [...outflows].sort((left, right) => at(left) - at(right))) {
    let amount = usd(outflow);
    for (const item of pending) {
      if (item.at > at(outflow) || amount <= 0) break;
      const paid = Math.min(item.left, amount);
      item.left -= paid;
      amount -= paid;
    }
    for (const item of pending) if (item.left <= 1e-6 && item.at <= at(outflow)) item.at = -1;
    const late = pending.find((item) => item.at >= 0 && item.left > 1e-6 && at(outflow) - item.at > hours * hourMs);
    if (late !== undefined) return false;
    pending.splice(0, pending.length, ...pending.filter((item) => item.at >= 0));
  }
  return true;
}

class Scenario {
  readonly byPayer = new Map<string, PaymentRecord[]>();
  readonly byPayee = new Map<string, PaymentRecord[]>();
  readonly kindOf = new Map<string, string>();
  constructor(readonly simulation: Simulation) {
    for (const record of simulation.payments) {
      for (const [map, key] of [
        [this.byPayer, record.payer.account],
        [this.byPayee, record.payee.account],
      ] as const) {
        const list = map.get(key) ?? [];
        list.push(record);
        map.set(key, list);
      }
    }
    for (const label of simulation.labels) this.kindOf.set(label.account, label.kind);
    for (const label of simulation.legitimate) this.kindOf.set(label.account, label.persona);
  }
  planted(kind: PlantedLabel['kind']): PlantedLabel[] {
    return this.simulation.labels.filter((label) => label.kind === kind);
  }
  paid(account: string): PaymentRecord[] {
    return this.byPayer.get(account) ?? [];
  }
  received(account: string): PaymentRecord[] {
    return this.byPayee.get(account) ?? [];
  }
}

/** Two seeds by default; `SIMULATION_TEST_SEEDS=1,2,3` checks the same properties on others. */
const seeds = (process.env.SIMULATION_TEST_SEEDS ?? '11,12').split(',').map(Number);

for (const seed of seeds) {
  describe(`planted behaviours follow their published parameters (seed ${seed}, 4,000 accounts × 90 days)`, () => {
    let scenario: Scenario;
    before(() => {
      scenario = new Scenario(simulatePayments({ seed, accounts: 4000, days: 90 }));
    });

    test('offenders: ≥ 3 F01 payments in 30 days, no family or birth link, 10–350 USD, varied parameters', () => {
      const offenders = scenario.planted('offender');
      assert.equal(offenders.length, 24);
      const combinations = new Set<string>();
      const bands = new Set<string>();
      let lateStarters = 0;
      const pooled = { night: [0, 0], day: [0, 0], round: [0, 0], other: [0, 0] };
      /** Busiest 30 days over the first 30 days, per offender. */
      const growths = { escalating: [] as number[], steady: [] as number[] };
      for (const offender of offenders) {
        const transfers = scenario
          .paid(offender.account)
          .filter((record) => record.payee.type === 'individual' && record.payee.country !== record.payer.country);
        const f01 = transfers.filter(isF01);
        assert.equal(f01.length, transfers.length, `${offender.account}: every transfer to a person abroad is F01`);
        assert.ok(mostWithin(f01.map(at), 30 * dayMs) >= 3, `${offender.account}: ≥ 3 in 30 days`);
        if (offender.indicators.includes('F02')) {
          assert.ok(mostWithin(f01.map(at), 30 * dayMs) >= 4, `${offender.account}: F02 means ≥ 4 in 30 days`);
        }
        for (const record of f01) {
          assert.ok(['friend', 'none', undefined].includes(record.declaredRelationship), record.id);
          assert.notEqual(record.payer.birthCountry, record.payee.country, `${record.id}: no birth-country link`);
          assert.ok(
            ['mto_online', 'p2p_wallet', 'bank_wire', 'gift_card', 'cash_pickup'].includes(record.channel ?? ''),
          );
        }
        assert.ok(new Set(f01.map((record) => record.payee.account)).size <= 4, 'one to four receivers');
        const [night, round] = [f01.filter(isNight).length, f01.filter(isRound).length];
        const nightPool = offender.indicators.includes('F04') ? pooled.night : pooled.day;
        nightPool[0] = (nightPool[0] ?? 0) + night;
        nightPool[1] = (nightPool[1] ?? 0) + f01.length;
        const roundPool = offender.indicators.includes('F07') ? pooled.round : pooled.other;
        roundPool[0] = (roundPool[0] ?? 0) + round;
        roundPool[1] = (roundPool[1] ?? 0) + f01.length;
        if (offender.indicators.includes('F08')) {
          const purchases = scenario
            .paid(offender.account)
            .filter((record) =>
              ['VPN_ANON', 'LIVESTREAM_WEBCAM', 'FILE_HOSTING'].includes(record.merchantCategory ?? ''),
            );
          assert.ok(
            purchases.some((purchase) => f01.some((record) => Math.abs(at(record) - at(purchase)) <= 4 * dayMs)),
            `${offender.account}: a related purchase within days of a transfer`,
          );
        }
        if (offender.indicators.includes('F11')) {
          assert.ok(
            new Set(f01.map((record) => record.fundingInstrument)).size >= 3,
            `${offender.account}: instruments`,
          );
        }
        if (!offender.variant?.includes('late_start')) {
          const firstAt = Math.min(...f01.map(at));
          const growth =
            mostWithin(f01.map(at), 30 * dayMs) / f01.filter((record) => at(record) - firstAt < 30 * dayMs).length;
          (offender.indicators.includes('F06') ? growths.escalating : growths.steady).push(growth);
        }
        assert.ok(
          scenario.paid(offender.account).some((record) => record.payee.type === 'organisation'),
          'ordinary domestic spending too',
        );
        if (offender.variant?.includes('late_start')) {
          lateStarters++;
          assert.ok(Math.min(...f01.map(at)) >= Date.parse('2026-01-01') + 59 * dayMs, 'starts in the last 30 days');
        }
        combinations.add(offender.indicators.join(','));
        const amounts = f01.map(usd);
        bands.add(`${Math.round(Math.min(...amounts))}-${Math.round(Math.max(...amounts))}`);
      }
      const share = ([part, whole]: number[]) => (part ?? 0) / (whole ?? 1);
      assert.ok(share(pooled.night) >= 0.6, `F04 offenders pay at night: ${share(pooled.night)}`);
      assert.ok(share(pooled.day) <= 0.35, `the others mostly by day: ${share(pooled.day)}`);
      assert.ok(share(pooled.round) >= 0.7, `F07 offenders round: ${share(pooled.round)}`);
      assert.ok(share(pooled.other) <= 0.45, `the others less: ${share(pooled.other)}`);
      const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
      assert.ok(mean(growths.escalating) >= 1.5, `F06 offenders escalate: × ${mean(growths.escalating)}`);
      assert.ok(mean(growths.steady) <= 1.3, `the others stay steady: × ${mean(growths.steady)}`);
      assert.ok(combinations.size >= 6, `not every offender alike: ${combinations.size} indicator sets`);
      assert.ok(bands.size >= offenders.length * 0.75, `offenders have their own amount bands (${bands.size})`);
      const referenceless = offenders.filter((offender) => {
        const transfers = scenario.paid(offender.account).filter(isF01);
        return transfers.filter((record) => record.remittanceInfo === undefined).length * 2 >= transfers.length;
      });
      assert.ok(referenceless.length > 0, 'some offenders leave the reference empty');
      for (const indicator of ['F04', 'F06', 'F07', 'F08', 'F11']) {
        const having = offenders.filter((offender) => offender.indicators.includes(indicator)).length;
        assert.ok(having > 0 && having < offenders.length, `${indicator} on some offenders only (${having})`);
      }
      assert.ok(lateStarters > 0, 'some offenders start in the last 30 days');
    });

    test('facilitators: ≥ 5 senders from ≥ 2 countries, median ≤ 150 USD, cash-out and pick-up documents', () => {
      const facilitators = scenario.planted('facilitator');
      assert.equal(facilitators.length, 4);
      for (const facilitator of facilitators) {
        const inflows = scenario.received(facilitator.account);
        const senders = new Set(inflows.map((record) => record.payer.account));
        assert.ok(senders.size >= 5, `${facilitator.account}: ${senders.size} senders`);
        assert.ok(new Set(inflows.map((record) => record.payer.country)).size >= 2, 'from two countries or more');
        const amounts = inflows.map(usd).sort((left, right) => left - right);
        assert.ok((amounts[Math.floor(amounts.length / 2)] ?? 0) <= 150, 'median ≤ 150 USD');
        assert.ok(highRiskCountries.has(inflows[0]?.payee.country ?? ''));
        const outflows = scenario.paid(facilitator.account);
        if (facilitator.variant?.includes('cash_out')) {
          assert.ok(outflows.every((record) => record.channel === 'atm' || record.channel === 'cash_pickup'));
          assert.ok(passesThrough(inflows, outflows, 24), `${facilitator.account}: 80% out within 24 h`);
        } else {
          assert.equal(outflows.length, 0);
        }
        if (facilitator.variant?.includes('pickup_document')) {
          const names = new Map<string, Set<string>>();
          for (const record of inflows) {
            if (record.payeeDocument === undefined) continue;
            names.set(
              record.payeeDocument,
              (names.get(record.payeeDocument) ?? new Set()).add(record.payee.name ?? ''),
            );
          }
          assert.ok(
            [...names.values()].some((set) => set.size >= 3),
            'one document, ≥ 3 beneficiary names',
          );
        }
      }
    });

    test('sextortion victims: aged 17–20, ≥ 3 rising payments within 48 h to a new payee, first < €250, then none', () => {
      const victims = scenario.planted('sextortion_victim');
      const muleAccounts = new Set(scenario.planted('mule').map((label) => label.account));
      assert.ok(victims.length >= 8 + 3 * 5);
      for (const victim of victims) {
        const paid = scenario.paid(victim.account);
        for (const record of paid) assert.ok(ageAt(record) >= 17 && ageAt(record) <= 20, `${record.id}: age`);
        const burst = paid.filter((record) =>
          victim.variant === 'pays_mule'
            ? muleAccounts.has(record.payee.account)
            : record.payee.country !== record.payer.country && record.payee.type !== 'organisation',
        );
        assert.ok(burst.length >= 3, `${victim.account}: ${burst.length} burst payments`);
        const first = burst[0] as PaymentRecord;
        const last = burst[burst.length - 1] as PaymentRecord;
        assert.ok(at(last) - at(first) <= 48 * hourMs, 'within 48 h');
        assert.ok(toUsd(first.amount, first.currency) * 0.92 < 250, 'first payment under €250');
        const eur = burst.map((record) => usd(record) * 0.92);
        assert.ok(
          eur.every((amount, index) => index === 0 || amount >= (eur[index - 1] ?? 0) * 0.99),
          'each no smaller than the last',
        );
        assert.ok(eur.reduce((sum, amount) => sum + amount, 0) <= 1550, 'about €1,500 at most');
        const payees = new Set(burst.map((record) => record.payee.account));
        assert.ok(
          paid.every((record) => !payees.has(record.payee.account) || burst.includes(record)),
          'a new payee, and nothing after the burst',
        );
        if (victim.variant === 'pays_abroad') {
          assert.ok(burst.every((record) => ['gift_card', 'p2p_wallet', 'crypto'].includes(record.channel ?? '')));
        }
      }
    });

    test('mules: ≥ 5 young payers within 7 days, ≥ 80% forwarded abroad or to crypto within 48 h', () => {
      const mules = scenario.planted('mule');
      assert.equal(mules.length, 3);
      for (const mule of mules) {
        const inflows = scenario.received(mule.account);
        const young = inflows.filter((record) => ageAt(record) < 25);
        assert.equal(young.length, inflows.length, 'only young payers pay the mule');
        const firstAt = Math.min(...inflows.map(at));
        const week = new Set(
          inflows.filter((record) => at(record) - firstAt < 7 * dayMs).map((record) => record.payer.account),
        );
        assert.ok(week.size >= 5, `${mule.account}: ${week.size} payers in the first 7 days`);
        const forwards = scenario
          .paid(mule.account)
          .filter((record) => record.channel === 'crypto' || record.payee.country !== record.payer.country)
          .filter((record) => record.payee.type !== 'organisation');
        assert.ok(passesThrough(inflows, forwards, 48), `${mule.account}: 80% out within 48 h`);
      }
    });

    test('travel-to-offend: prior F01 payments, then ≥ 14 days or ≥ 2 trips there with an ATM withdrawal a day', () => {
      const travellers = scenario.planted('travel_to_offend');
      assert.equal(travellers.length, 4);
      for (const traveller of travellers) {
        const paid = scenario.paid(traveller.account);
        const abroad = paid.filter(
          (record) =>
            (record.channel === 'card' || record.channel === 'atm') &&
            highRiskCountries.has(record.payee.country ?? ''),
        );
        const country = abroad[0]?.payee.country;
        assert.ok(country !== undefined && abroad.every((record) => record.payee.country === country));
        const days = [...new Set(abroad.map((record) => record.time.slice(0, 10)))].sort();
        const trips = days.filter(
          (day, index) => index === 0 || Date.parse(day) - Date.parse(days[index - 1] ?? day) > dayMs,
        ).length;
        assert.ok(days.length >= 14 || trips >= 2, `${traveller.account}: ${days.length} days, ${trips} trips`);
        const atm = abroad.filter((record) => record.channel === 'atm').length;
        assert.ok(atm >= days.length, `${traveller.account}: ${atm} ATM withdrawals over ${days.length} days`);
        const firstTrip = Math.min(...abroad.map(at));
        const prior = paid.filter(
          (record) => isF01(record) && record.payee.country === country && at(record) < firstTrip,
        );
        assert.ok(prior.length >= 3, `${traveller.account}: ${prior.length} earlier payments to people there`);
      }
    });

    test('crypto buyers: payments to tagged addresses, direct or indirect as labelled', () => {
      const buyers = scenario.planted('crypto_exposure');
      assert.equal(buyers.length, 3);
      for (const buyer of buyers) {
        const tags = scenario.paid(buyer.account).flatMap((record) => record.cryptoRiskTags ?? []);
        const direct = tags.includes('CSAM_VENDOR');
        assert.equal(direct, buyer.variant === 'direct', buyer.account);
        if (!direct) assert.ok(tags.some((tag) => ['MIXER', 'DARKNET_MARKET', 'PRIVACY_COIN_SWAP'].includes(tag)));
      }
      const legitimateTagged = scenario.simulation.legitimate.filter((label) =>
        scenario.paid(label.account).some((record) => record.cryptoRiskTags !== undefined),
      );
      assert.deepEqual(legitimateTagged, [], 'no legitimate account pays a tagged address');
    });

    test('hard negatives look like offenders on purpose, each in its own way', () => {
      const personaOf = (persona: string) =>
        scenario.simulation.legitimate.filter((label) => label.persona === persona).map((label) => label.account);
      const nightShift = personaOf('night_shift_family').flatMap((account) => scenario.paid(account).filter(isF01));
      assert.ok(nightShift.filter(isNight).length / nightShift.length > 0.7, 'night-shift senders pay at night');
      assert.ok(
        nightShift.every(
          (record) => record.declaredRelationship !== 'friend' && record.declaredRelationship !== 'none',
        ),
        'with a family relationship',
      );
      const family = personaOf('family_remittance').flatMap((account) => scenario.paid(account));
      const corridor = family.filter(
        (record) => highRiskCountries.has(record.payee.country ?? '') && record.payee.type === 'individual',
      );
      assert.ok(corridor.length > 0);
      assert.ok(
        corridor.filter((record) => record.payer.birthCountry === record.payee.country).length / corridor.length > 0.8,
        'family remitters mostly send to their birth country',
      );
      for (const account of personaOf('new_migrant')) {
        const transfers = scenario.paid(account).filter((record) => record.payer.country !== record.payee.country);
        const first = Math.min(...scenario.paid(account).map(at));
        const early = new Set(
          transfers.filter((record) => at(record) - first <= 22 * dayMs).map((record) => record.payee.account),
        );
        assert.ok(
          early.size >= 3 || first > Date.parse('2026-01-01') + 60 * dayMs,
          `${account}: ${early.size} new payees`,
        );
      }
      for (const account of personaOf('sibling_group_receiver')) {
        const inflows = scenario.received(account);
        const senders = new Set(inflows.map((record) => record.payer.account));
        assert.equal(senders.size, 4, 'four siblings');
        const surnames = new Set(inflows.map((record) => record.payer.name?.split(' ').at(-1)));
        assert.equal(surnames.size, 1, 'sharing a surname');
        assert.ok(inflows.every((record) => record.declaredRelationship === 'sibling'));
      }
      const shops = personaOf('small_shop_receiver').map(
        (account) => new Set(scenario.received(account).map((record) => record.payer.account)).size,
      );
      assert.ok(Math.max(...shops) >= 5, 'a small seller abroad with five buyers or more (F13 look-alike)');
      const partners = personaOf('partner_support').flatMap((account) => scenario.paid(account).filter(isF01));
      assert.ok(partners.length > 0 && partners.every((record) => record.declaredRelationship !== 'parent'));
    });
  });
}
