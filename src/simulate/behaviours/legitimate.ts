import type { PaymentChannel, PaymentParty } from '../../payments/index.js';
import { type Customer, documentNumber } from '../customer.js';
import type { Directory } from '../directory.js';
import { categoryReference } from '../names.js';
import type { Random } from '../random.js';
import {
  type Behaviour,
  everydayHour,
  hourBetween,
  logUniform,
  type PlannedPayment,
  plannedPayments,
  recurringTransfer,
  type Scenario,
  sometimes,
} from './behaviour.js';
import type { TripPlan } from './trip.js';

/** What a persona adds to a customer's baseline. */
export interface PersonaPlan {
  readonly behaviours: readonly Behaviour[];
  readonly trips?: readonly TripPlan[];
}

const familyRelationships = [
  ['parent', 35],
  ['spouse', 20],
  ['sibling', 15],
  ['child', 15],
  ['relative', 15],
] as const;

const remittanceChannels: readonly (readonly [PaymentChannel, number])[] = [
  ['mto_online', 35],
  ['p2p_wallet', 25],
  ['bank_wire', 20],
  ['cash_pickup', 15],
  ['mto_agent', 5],
];

/** A family member abroad a remitter supports. */
export interface Relative {
  readonly party: PaymentParty;
  readonly relationship: string;
  readonly document: string;
}

/** A new relative of `customer` in `country`, sharing the customer's surname most of the time. */
export function newRelative(directory: Directory, random: Random, customer: Customer, country: string): Relative {
  const surname = random.chance(0.7)
    ? customer.surname
    : `${customer.surname}-${random.pick(['Reyes', 'Lane', 'Hill'])}`;
  return {
    party: directory.person('Payee', surname, country),
    relationship: random.weighted(familyRelationships),
    document: documentNumber(random, country),
  };
}

/** The reference of a family remittance: family words, sometimes school, medical or a birthday. */
function familyDetails(relative: Relative, channel: PaymentChannel) {
  return (random: Random) => {
    const kind = random.weighted([
      ['family', 50],
      ['education', 10],
      ['medical', 8],
      ['gift', 7],
      ['empty', 25],
    ] as const);
    const purpose =
      kind === 'education' ? 'EDUC' : kind === 'medical' ? 'MDCS' : random.chance(0.85) ? 'FAMI' : undefined;
    return {
      channel,
      remittanceInfo: kind === 'empty' ? '' : categoryReference(random, kind),
      purpose,
      declaredRelationship: sometimes(random, relative.relationship, 0.1),
      payeeDocument: channel === 'cash_pickup' ? relative.document : undefined,
    };
  };
}

/** Options of a family remitter. */
export interface FamilyOptions {
  readonly relatives: readonly Relative[];
  /** Night-shift workers pay at 23:00–05:00 local, weekly or fortnightly, smaller amounts. */
  readonly nightShift: boolean;
  /** First day of the series (a new migrant's account opens inside the window). */
  readonly fromDay: number;
}

/**
 * Family remittances on the same corridors the offenders use: monthly or fortnightly (weekly for
 * some night-shift workers), 50–600 USD per relative (30–250 for night-shift workers), mostly
 * round, declared family relationship, often to 2–4 relatives, via MTO, wallet, wire or cash
 * pick-up with the relative's own document.
 */
export function familyRemittance(
  scenario: Scenario,
  customer: Customer,
  random: Random,
  options: FamilyOptions,
): Behaviour[] {
  const channel = random.weighted(remittanceChannels);
  const roundShare = random.chance(0.6) ? random.between(0.7, 1) : random.between(0, 0.4);
  return options.relatives.map((relative) => {
    const period = options.nightShift
      ? random.weighted([
          [7, 40],
          [14, 60],
        ] as const)
      : random.weighted([
          [30, 65],
          [14, 35],
        ] as const);
    return recurringTransfer(scenario, customer, {
      payee: relative.party,
      periodDays: period,
      jitterDays: period >= 14 ? 2 : 1,
      firstDay: options.fromDay + random.integer(0, period - 1),
      paydaysFrom: options.fromDay,
      usd: options.nightShift ? logUniform(random, 30, 250) : logUniform(random, 50, 600),
      spread: 0.12,
      roundShare,
      hour: options.nightShift
        ? (hourRandom) => (hourRandom.chance(0.85) ? hourBetween(hourRandom, 23, 5) : everydayHour(hourRandom))
        : everydayHour,
      details: familyDetails(relative, channel),
    });
  });
}

/**
 * A new migrant: the account opens on `fromDay`; within three weeks they pay 3–5 relatives in
 * their birth country small amounts (20–120 USD), then keep supporting 1–3 of them monthly.
 */
export function newMigrant(
  scenario: Scenario,
  customer: Customer,
  random: Random,
  relatives: readonly Relative[],
  fromDay: number,
): Behaviour[] {
  const channel = random.weighted(remittanceChannels);
  const lastDay = scenario.days - 2;
  const first: PlannedPayment[] = relatives.map((relative) => ({
    day: Math.min(lastDay, fromDay + random.integer(1, 20)),
    hour: everydayHour(random),
    payee: relative.party,
    usd: logUniform(random, 20, 120),
    details: { ...familyDetails(relative, channel)(random), round: random.chance(0.6) },
  }));
  const kept = random.sample(relatives, random.integer(1, Math.min(3, relatives.length)));
  return [
    plannedPayments(scenario, customer, first),
    ...familyRemittance(scenario, customer, random, { relatives: kept, nightShift: false, fromDay: fromDay + 30 }),
  ];
}

/**
 * Parents paying for a child's studies abroad: a tuition payment to a school (an organisation,
 * `EDUC`, often round), a monthly allowance to the child (`child`), and for some a monthly rent to
 * a private landlord there with relationship `none` — round, "rent", an individual abroad.
 */
export function studentFees(
  scenario: Scenario,
  customer: Customer,
  random: Random,
  study: { readonly country: string; readonly child: PaymentParty; readonly landlord?: PaymentParty | undefined },
): Behaviour[] {
  const lastDay = scenario.days - 2;
  const tuitions: PlannedPayment[] = [];
  const terms = scenario.days > 120 ? 2 : 1;
  for (let term = 0; term < terms; term++) {
    tuitions.push({
      day: Math.min(lastDay, 1 + Math.floor((term * scenario.days) / terms) + random.integer(0, 20)),
      hour: hourBetween(random, 9, 18),
      payee: scenario.directory.school(random, study.country),
      usd: logUniform(random, 1500, 9000),
      details: {
        channel: 'bank_wire',
        purpose: 'EDUC',
        remittanceInfo: random.pick(['tuition', 'school fees', `term fees ${random.integer(1000, 9999)}`]),
        round: random.chance(0.6),
      },
    });
  }
  const behaviours: Behaviour[] = [plannedPayments(scenario, customer, tuitions)];
  if (random.chance(0.7)) {
    behaviours.push(
      recurringTransfer(scenario, customer, {
        payee: study.child,
        periodDays: 30,
        jitterDays: 2,
        firstDay: random.integer(0, 29),
        usd: logUniform(random, 150, 500),
        spread: 0.1,
        roundShare: 0.8,
        hour: everydayHour,
        details: (detailRandom) => ({
          channel: detailRandom.pick(['mto_online', 'p2p_wallet', 'bank_wire'] as const),
          purpose: detailRandom.chance(0.5) ? 'EDUC' : 'FAMI',
          remittanceInfo: detailRandom.pick(['allowance', 'books', 'rent', 'school project', '']),
          declaredRelationship: 'child',
        }),
      }),
    );
  }
  if (study.landlord !== undefined) {
    behaviours.push(
      recurringTransfer(scenario, customer, {
        payee: study.landlord,
        periodDays: 30,
        jitterDays: 1,
        firstDay: random.integer(0, 29),
        usd: logUniform(random, 250, 800),
        spread: 0,
        roundShare: 1,
        hour: everydayHour,
        details: (detailRandom) => ({
          channel: detailRandom.chance(0.6) ? 'bank_wire' : 'mto_online',
          purpose: 'RENT',
          remittanceInfo: 'rent',
          declaredRelationship: sometimes(detailRandom, 'none', 0.3),
        }),
      }),
    );
  }
  return behaviours;
}

/**
 * Genuine support of a partner or friend abroad — the hardest negative for F01∧F03: one payee,
 * relationship `friend`, no birth-country link, regular (weekly for some, 50–150 USD; fortnightly
 * 80–250; monthly 150–500), round amounts, cover-like references ("support", "rent", "gift").
 */
export function partnerSupport(
  scenario: Scenario,
  customer: Customer,
  random: Random,
  partner: PaymentParty,
): Behaviour {
  const [period, low, high] = random.weighted([
    [[7, 50, 150], 20],
    [[14, 80, 250], 30],
    [[30, 150, 500], 50],
  ] as const);
  const channel = random.weighted([
    ['mto_online', 50],
    ['p2p_wallet', 40],
    ['bank_wire', 10],
  ] as const);
  const relationshipMissing = random.chance(0.15);
  return recurringTransfer(scenario, customer, {
    payee: partner,
    periodDays: period,
    jitterDays: period === 7 ? 1 : 2,
    firstDay: random.integer(0, period - 1),
    paydaysFrom: 0,
    usd: logUniform(random, low, high),
    spread: 0.15,
    roundShare: 0.6,
    hour: everydayHour,
    details: (detailRandom) => ({
      channel,
      remittanceInfo: detailRandom.pick(['support', 'rent', 'for you', 'gift', 'allowance', 'bills', '']),
      purpose: detailRandom.weighted([
        ['SUPP', 30],
        ['FAMI', 10],
        [undefined, 60],
      ] as const),
      declaredRelationship: relationshipMissing ? undefined : 'friend',
    }),
  });
}

/** A sibling abroad supporting a brother or sister at home along with three siblings of the same surname. */
export function siblingSupport(
  scenario: Scenario,
  customer: Customer,
  random: Random,
  receiver: PaymentParty,
): Behaviour {
  const relative: Relative = { party: receiver, relationship: 'sibling', document: '' };
  return recurringTransfer(scenario, customer, {
    payee: receiver,
    periodDays: 30,
    jitterDays: 3,
    firstDay: random.integer(0, 29),
    paydaysFrom: 0,
    usd: logUniform(random, 80, 300),
    spread: 0.1,
    roundShare: 0.7,
    hour: everydayHour,
    details: (detailRandom) => ({
      ...familyDetails(relative, detailRandom.chance(0.6) ? 'mto_online' : 'p2p_wallet')(detailRandom),
      declaredRelationship: 'sibling',
    }),
  });
}

/** Regular crypto purchases at an exchange, with no risk tags (a legitimate investor). */
export function cryptoInvestor(scenario: Scenario, customer: Customer, random: Random): Behaviour {
  const period = random.pick([7, 14, 30]);
  const exchange = random.pick(scenario.directory.cryptoExchanges);
  return recurringTransfer(scenario, customer, {
    payee: exchange,
    periodDays: period,
    jitterDays: 1,
    firstDay: random.integer(0, period - 1),
    usd: logUniform(random, 50, 1000),
    spread: 0.3,
    roundShare: 0.8,
    hour: everydayHour,
    details: () => ({ channel: 'crypto' }),
  });
}

/** A monthly donation to a charity, parish fund or community school (some abroad, some private accounts). */
export function charityDonation(
  scenario: Scenario,
  customer: Customer,
  random: Random,
  charity: PaymentParty,
): Behaviour {
  return recurringTransfer(scenario, customer, {
    payee: charity,
    periodDays: 30,
    jitterDays: 2,
    firstDay: random.integer(0, 29),
    usd: logUniform(random, 10, 100),
    spread: 0,
    roundShare: 1,
    hour: everydayHour,
    details: (detailRandom) => ({
      channel: detailRandom.chance(0.5) ? 'bank_wire' : 'p2p_wallet',
      remittanceInfo: detailRandom.pick(['donation', 'monthly donation', 'school sponsorship', 'church offering']),
    }),
  });
}

/** One to three purchases from small private sellers abroad ("order 1234", `GDDS`). */
export function shopPurchases(
  scenario: Scenario,
  customer: Customer,
  random: Random,
  shops: readonly PaymentParty[],
): Behaviour {
  const planned: PlannedPayment[] = Array.from({ length: random.integer(1, 3) }, () => ({
    day: random.integer(1, Math.max(1, scenario.days - 2)),
    hour: everydayHour(random),
    payee: random.pick(shops),
    usd: logUniform(random, 8, 80),
    details: {
      channel: random.weighted([
        ['p2p_wallet', 60],
        ['mto_online', 30],
        ['bank_wire', 10],
      ] as const),
      purpose: 'GDDS',
      remittanceInfo: random.pick([
        `order ${random.integer(1000, 9999)}`,
        `invoice ${random.integer(100, 999)}`,
        'handmade bag',
        'woven basket',
        '',
      ]),
      declaredRelationship: sometimes(random, 'none', 0.5),
    },
  }));
  return plannedPayments(scenario, customer, planned);
}
