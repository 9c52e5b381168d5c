import type { PaymentChannel, PaymentParty } from '../../payments/index.js';
import { type Customer, customerPayment } from '../customer.js';
import { categoryReference, type ReferenceCategory } from '../names.js';
import { paydaysBetween } from '../paydays.js';
import type { Random } from '../random.js';
import {
  type Behaviour,
  customerInstant,
  everydayHour,
  hourBetween,
  isNightHour,
  logUniform,
  type Scenario,
} from './behaviour.js';

/** Someone an offender pays abroad: a private person, possibly a shared facilitator. */
export interface OffenderReceiver {
  readonly party: PaymentParty;
  /** Cash pick-up under one identity document and several beneficiary names (F15). */
  readonly pickup?: { readonly document: string; readonly aliases: readonly PaymentParty[] } | undefined;
  /** The reference a facilitator asks every sender to use (F05, repeated text). */
  readonly sharedReference?: string | undefined;
}

/**
 * The parameters of one planted T1 payer, each drawn per offender so that no two look alike
 * (notes F01–F08, F11). Amount band, frequency, night share, round share, reference style,
 * relationship, channels and instruments all vary; escalation (F06) and related purchases (F08)
 * are given to some offenders only.
 */
export interface OffenderPlan {
  readonly receivers: readonly OffenderReceiver[];
  /** First local day of activity; some start only in the last 30 days of the window. */
  readonly startDay: number;
  /** Payments per 30 days before any escalation: 3–12 by default (each cycle draws this or one more). */
  readonly ratePer30Days: number;
  /** The offender's own USD band inside 10–150. */
  readonly lowUsd: number;
  readonly highUsd: number;
  /** From this day, frequency × `escalationRate` and amounts × `escalationAmount` (F06). */
  readonly escalationDay?: number | undefined;
  readonly escalationRate: number;
  readonly escalationAmount: number;
  /** Share of payments at 22:00–06:00 local (F04 when ≥ 0.5). */
  readonly nightShare: number;
  /** Share of round amounts (F07 when ≥ 0.7). */
  readonly roundShare: number;
  readonly referenceStyle: 'cover' | 'handle' | 'empty' | 'mixed';
  readonly coverCategories: readonly ReferenceCategory[];
  readonly handle: string;
  /** Declared relationship (`friend`, `none`) and the share of payments where it is missing. */
  readonly relationship: 'friend' | 'none';
  readonly relationshipMissingShare: number;
  readonly channels: readonly (readonly [PaymentChannel, number])[];
  /** Three or four funding instruments used in turn (F11), else the customer's defaults. */
  readonly instruments?: readonly string[] | undefined;
  /** Card purchases at these categories within ±3 days of transfers (F08). */
  readonly purchaseCategories: readonly ('VPN_ANON' | 'LIVESTREAM_WEBCAM' | 'FILE_HOSTING')[];
}

/** The highest USD amount an escalated offender payment reaches (inside F01's 10–350 band). */
export const offenderMaximumUsd = 300;

const purposeOfCategory: Partial<Record<ReferenceCategory, string>> = {
  education: 'EDUC',
  medical: 'MDCS',
  housing: 'RENT',
  business: 'GDDS',
  family: 'FAMI',
};

interface CyclePayment {
  readonly day: number;
  readonly hour: number;
  readonly purchase: boolean;
  /** The first cycle pays every receiver at least once (a facilitator must see each sender). */
  readonly receiver?: number | undefined;
}

/**
 * The T1 payer behaviour: cycles of 30 days from `startDay`, each with `ratePer30Days` (or one
 * more; never fewer than 3 in the first cycle) small payments to the receivers on random days,
 * plus the related purchases (the first transfer always has one). Payment days stay inside the
 * window's inner days so none is cut off; when the profile pays on paydays, they are paydays.
 */
export function offenderBehaviour(scenario: Scenario, customer: Customer, plan: OffenderPlan): Behaviour {
  const lastDay = scenario.days - 2;
  return (random) => {
    let cycle = new Map<number, CyclePayment[]>();
    let transfers = 0;
    const planCycle = (cycleStart: number) => {
      cycle = new Map();
      const cycleEnd = Math.min(cycleStart + 30, lastDay + 1);
      const from = Math.max(1, cycleStart);
      const length = cycleEnd - from;
      if (length <= 0) return;
      const escalated = plan.escalationDay !== undefined && cycleStart >= plan.escalationDay;
      const full = Math.round((plan.ratePer30Days + random.integer(0, 1)) * (escalated ? plan.escalationRate : 1));
      // The first cycle always holds its full count, even when the window ends sooner (a late
      // starter is simply busy); a later cycle cut by the window end gets its share.
      const first = cycleStart === plan.startDay;
      const count = first
        ? Math.max(3, full, plan.receivers.length)
        : Math.max(1, Math.round((full * Math.min(30, length)) / 30));
      const add = (payment: CyclePayment) => {
        const list = cycle.get(payment.day) ?? [];
        list.push(payment);
        cycle.set(payment.day, list);
      };
      const paydays = scenario.profile.paydays ? paydaysBetween(scenario.start, from, cycleEnd) : [];
      for (let index = 0; index < count; index++) {
        // On paydays (the `hard` profile), the day or the day after, like family support.
        const day =
          paydays.length > 0
            ? Math.min(cycleEnd - 1, random.pick(paydays) + random.integer(0, 1))
            : from + random.integer(0, length - 1);
        const hour = random.chance(plan.nightShare) ? hourBetween(random, 22, 6) : daytimeHour(random);
        add({ day, hour, purchase: false, receiver: first && index < plan.receivers.length ? index : undefined });
        if (plan.purchaseCategories.length > 0 && ((first && index === 0) || random.chance(0.45))) {
          const purchaseDay = Math.min(cycleEnd - 1, Math.max(from, day + random.integer(-3, 3)));
          add({ day: purchaseDay, hour: hourBetween(random, 18, 2), purchase: true });
        }
      }
    };
    return (day, out) => {
      if (day < plan.startDay) return;
      if ((day - plan.startDay) % 30 === 0) planCycle(day);
      const escalated = plan.escalationDay !== undefined && day >= plan.escalationDay;
      for (const payment of cycle.get(day) ?? []) {
        const at = customerInstant(scenario, customer, day, payment.hour);
        if (payment.purchase) {
          const category = random.pick(plan.purchaseCategories);
          out.push(
            customerPayment(customer, at, scenario.directory.onlineMerchant(random, category), random.between(5, 40), {
              channel: 'card',
              merchantCategory: category,
            }),
          );
          continue;
        }
        const instrument = plan.instruments?.[transfers++ % plan.instruments.length];
        out.push(transfer(random, customer, plan, at, escalated, payment.receiver, instrument));
      }
    };
  };
}

/** An everyday hour outside the night window (the offender's non-night payments). */
function daytimeHour(random: Random): number {
  for (;;) {
    const hour = everydayHour(random);
    if (!isNightHour(hour)) return hour;
  }
}

function transfer(
  random: Random,
  customer: Customer,
  plan: OffenderPlan,
  at: number,
  escalated: boolean,
  receiverIndex: number | undefined,
  instrument: string | undefined,
) {
  const receiver =
    (receiverIndex === undefined ? undefined : plan.receivers[receiverIndex]) ?? random.pick(plan.receivers);
  const base = logUniform(random, plan.lowUsd, plan.highUsd);
  const usd = Math.min(offenderMaximumUsd, escalated ? base * plan.escalationAmount : base);
  let category: ReferenceCategory | undefined;
  let reference = '';
  const style = plan.referenceStyle === 'mixed' ? (random.chance(0.5) ? 'cover' : 'empty') : plan.referenceStyle;
  if (receiver.sharedReference !== undefined && random.chance(0.7)) reference = receiver.sharedReference;
  else if (style === 'cover') {
    category = random.pick(plan.coverCategories);
    reference = categoryReference(random, category);
  } else if (style === 'handle') reference = plan.handle;
  const purpose = category !== undefined && random.chance(0.5) ? purposeOfCategory[category] : undefined;
  const pickup = receiver.pickup;
  const channel: PaymentChannel = pickup !== undefined ? 'cash_pickup' : random.weighted(plan.channels);
  return customerPayment(customer, at, pickup !== undefined ? random.pick(pickup.aliases) : receiver.party, usd, {
    channel,
    round: random.chance(plan.roundShare),
    remittanceInfo: reference,
    purpose,
    declaredRelationship: random.chance(plan.relationshipMissingShare) ? undefined : plan.relationship,
    fundingInstrument: instrument,
    payeeDocument: pickup?.document,
  });
}

/**
 * Which optional traits an offender gets. Drawn by quota over all offenders (`offenderTraits`), so
 * every run has some offenders with and some without each trait, in about the published shares.
 */
export interface OffenderTraits {
  /** Starts only in the last 30 days of the window (windows over 40 days). */
  readonly lateStart: boolean;
  /** F06 (windows of 60 days or more; never a late starter). */
  readonly escalates: boolean;
  /** F04: mostly night-time payments. */
  readonly night: boolean;
  /** F07: mostly round amounts. */
  readonly round: boolean;
  /** F11: several funding instruments. */
  readonly multipleInstruments: boolean;
  /** F08: related online purchases. */
  readonly purchases: boolean;
  /** F05 by cover-story words, a handle, both with empty ones, or no reference at all. */
  readonly referenceStyle: OffenderPlan['referenceStyle'];
}

/**
 * Shares of offenders with each trait: 20% late starters, 30% escalate, 70% night, 60% round,
 * 35% F11, 40% F08. Reference styles: 15% none, 15% a handle, 10% mixed, the rest cover stories.
 */
export const offenderTraitShares = {
  lateStart: 0.2,
  escalates: 0.3,
  night: 0.7,
  round: 0.6,
  multipleInstruments: 0.35,
  purchases: 0.4,
} as const;

/**
 * The traits of `count` offenders: for each trait, `round(share × count)` offenders chosen at
 * random get it — at least one and, with two offenders or more, never all of them.
 */
export function offenderTraits(random: Random, count: number, days: number): OffenderTraits[] {
  const quota = (share: number, eligible: readonly number[]): Set<number> => {
    if (eligible.length === 0) return new Set();
    const wanted = Math.round(share * count);
    const size = Math.min(Math.max(1, wanted), count >= 2 ? Math.min(eligible.length, count - 1) : eligible.length);
    return new Set(random.sample(eligible, size));
  };
  const all = Array.from({ length: count }, (_, index) => index);
  const late = days > 40 ? quota(offenderTraitShares.lateStart, all) : new Set<number>();
  const escalating =
    days >= 60
      ? quota(
          offenderTraitShares.escalates,
          all.filter((index) => !late.has(index)),
        )
      : new Set<number>();
  const night = quota(offenderTraitShares.night, all);
  const round = quota(offenderTraitShares.round, all);
  const instruments = quota(offenderTraitShares.multipleInstruments, all);
  const purchases = quota(offenderTraitShares.purchases, all);
  const styles = random.shuffle(all);
  const styleOf = new Map<number, OffenderPlan['referenceStyle']>();
  const styleCounts = [
    ['empty', Math.max(1, Math.round(0.15 * count))],
    ['handle', Math.round(0.15 * count)],
    ['mixed', Math.round(0.1 * count)],
  ] as const;
  for (const [style, wanted] of styleCounts) {
    for (let taken = 0; taken < wanted && styles.length > 1; taken++) styleOf.set(styles.pop() as number, style);
  }
  return all.map((index) => ({
    referenceStyle: styleOf.get(index) ?? 'cover',
    lateStart: late.has(index),
    escalates: escalating.has(index),
    night: night.has(index),
    round: round.has(index),
    multipleInstruments: instruments.has(index),
    purchases: purchases.has(index),
  }));
}

/** An offender plan and the indicators it plants. */
export interface DrawnOffender {
  readonly plan: OffenderPlan;
  readonly indicators: readonly string[];
  readonly lateStart: boolean;
}

/**
 * Draws one offender's parameters. `days` is the window length; `receivers` are already chosen
 * (shared facilitators first); `traits` come from `offenderTraits`; `paymentsPer30Days` is the
 * profile's range. Everything else varies per offender: the amount band inside 11–150 USD, the
 * payments per 30 days (3–12 by default), the night and round
 * shares, the reference style (75% cover-story or handle), relationship, channels.
 */
export function drawOffender(
  random: Random,
  customer: Customer,
  receivers: readonly OffenderReceiver[],
  days: number,
  traits: OffenderTraits,
  paymentsPer30Days: readonly [number, number] = [3, 12],
): DrawnOffender {
  const { lateStart, escalates, night, round, multipleInstruments, purchases, referenceStyle } = traits;
  const latestStart = Math.max(1, days - (escalates ? 60 : 30));
  const startDay = lateStart
    ? random.integer(days - 30, days - 12)
    : random.integer(1, Math.max(1, Math.min(latestStart, days - 12)));
  const coverCategories = random.sample(
    ['education', 'medical', 'housing', 'gift', 'business'] as const,
    random.integer(1, 2),
  );
  const primary = random.weighted([
    ['mto_online', 50],
    ['p2p_wallet', 40],
    ['bank_wire', 10],
  ] as const);
  const plan: OffenderPlan = {
    receivers,
    startDay,
    ratePer30Days: random.integer(paymentsPer30Days[0], paymentsPer30Days[1]),
    lowUsd: random.between(11, 35),
    highUsd: random.between(60, 150),
    escalationDay: escalates ? startDay + 30 * Math.max(1, Math.floor((days - 2 - startDay) / 30) - 1) : undefined,
    escalationRate: random.between(2, 3),
    escalationAmount: random.between(1.5, 2),
    nightShare: night ? random.between(0.6, 0.95) : random.between(0.05, 0.25),
    roundShare: round ? random.between(0.75, 1) : random.between(0.1, 0.35),
    referenceStyle,
    coverCategories,
    handle: `@user${random.integer(1000, 9999)}`,
    relationship: random.chance(0.6) ? 'friend' : 'none',
    relationshipMissingShare: random.pick([0, 0.3, 0.8]),
    channels: [
      [primary, 80],
      [random.pick(['mto_online', 'p2p_wallet', 'gift_card'] as const), 20],
    ],
    instruments: multipleInstruments ? [customer.card, customer.wallet, ...customer.extraInstruments] : undefined,
    purchaseCategories: purchases
      ? random.sample(['VPN_ANON', 'LIVESTREAM_WEBCAM', 'FILE_HOSTING'] as const, random.integer(1, 2))
      : [],
  };
  const indicators = plan.ratePer30Days >= 4 ? ['F01', 'F02', 'F03'] : ['F01', 'F03'];
  if (night) indicators.push('F04');
  if (referenceStyle !== 'empty' || receivers.some((receiver) => receiver.sharedReference !== undefined))
    indicators.push('F05');
  if (escalates) indicators.push('F06');
  if (round) indicators.push('F07');
  if (purchases) indicators.push('F08');
  if (multipleInstruments) indicators.push('F11');
  return { plan, indicators, lateStart };
}
