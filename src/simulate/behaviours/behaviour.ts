import type { PaymentParty } from '../../payments/index.js';
import { localInstant } from '../clock.js';
import { type Customer, customerPayment, type PaymentDetails } from '../customer.js';
import type { Directory } from '../directory.js';
import { paydaysBetween } from '../paydays.js';
import type { PaymentDraft } from '../payment-draft.js';
import type { Random } from '../random.js';
import type { SimulationProfile } from '../simulation-profile.js';

/** What every behaviour may read: the window and the shared organisations. */
export interface Scenario {
  readonly seed: number;
  /** UTC midnight that opens the window, in milliseconds. */
  readonly start: number;
  readonly days: number;
  readonly directory: Directory;
  /** The profile's behaviour parameters (paydays, family sizes, offender rates). */
  readonly profile: SimulationProfile;
}

/**
 * One step of a behaviour: push the drafts of local day `day` (0-based from the window start)
 * into `out`, in any order. Steps are called for days 0, 1, 2... in order, so they may keep state.
 */
export type DayStep = (day: number, out: PaymentDraft[]) => void;

/**
 * A behaviour of one customer: builds a fresh `DayStep` from its own random stream. It is called
 * once per pass over the payments, so iterating the payments twice gives the same records.
 * Behaviours never allocate accounts (that happens when the population is drawn).
 */
export type Behaviour = (random: Random) => DayStep;

/**
 * The drafts of `steps` (all recording at one UTC offset), day by day and sorted by time within
 * each day. With one offset, local-day order is UTC order, so the output is sorted overall.
 */
export function* dailyDrafts(days: number, steps: readonly DayStep[]): Generator<PaymentDraft> {
  const out: PaymentDraft[] = [];
  for (let day = 0; day < days; day++) {
    out.length = 0;
    for (const step of steps) step(day, out);
    if (out.length === 0) continue;
    out.sort((left, right) => left.at - right.at);
    yield* out;
  }
}

const hourWeights = [3, 2, 1, 1, 1, 2, 5, 10, 15, 20, 20, 20, 22, 20, 20, 20, 20, 22, 25, 26, 25, 20, 14, 7];
const hourChoices = hourWeights.map((weight, hour) => [hour, weight] as const);

/** A local hour (with minutes) for an everyday payment: mostly 08–22, a few at night (~8%). */
export function everydayHour(random: Random): number {
  return random.weighted(hourChoices) + random.next();
}

/**
 * A local hour within `from`–`to` (wrapping past midnight, e.g. 22–6), as a fraction in [0, 24):
 * a night-time hour after midnight belongs to the early morning of the same local day.
 */
export function hourBetween(random: Random, from: number, to: number): number {
  const span = (to - from + 24) % 24 || 24;
  return (from + random.next() * span) % 24;
}

/** Whether a local hour falls in the night window of indicator F04, 22:00–06:00. */
export function isNightHour(hour: number): boolean {
  return hour >= 22 || hour < 6;
}

/** The UTC instant of local `hour` on local day `day` for `customer` (hours ≥ 24 run into later days). */
export function customerInstant(scenario: Scenario, customer: Customer, day: number, hour: number): number {
  return localInstant(scenario.start, day, hour, customer.offsetMinutes);
}

/** A payment fixed when the population is drawn: a tuition fee, a ticket, a payment of a burst. */
export interface PlannedPayment {
  /** Local day; `hour` may pass 24 and then falls on a later day. */
  readonly day: number;
  readonly hour: number;
  readonly payee: PaymentParty;
  readonly usd: number;
  readonly details: PaymentDetails;
}

/** A behaviour that makes exactly the `planned` payments (for a customer at its own offset). */
export function plannedPayments(scenario: Scenario, customer: Customer, planned: readonly PlannedPayment[]): Behaviour {
  const byDay = new Map<number, PlannedPayment[]>();
  for (const payment of planned) {
    const day = payment.day + Math.floor(payment.hour / 24);
    const list = byDay.get(day) ?? [];
    list.push({ ...payment, day, hour: payment.hour % 24 });
    byDay.set(day, list);
  }
  return () => (day, out) => {
    for (const payment of byDay.get(day) ?? []) {
      out.push(
        customerPayment(
          customer,
          customerInstant(scenario, customer, day, payment.hour),
          payment.payee,
          payment.usd,
          payment.details,
        ),
      );
    }
  };
}

/** A regular transfer to one payee (family support, an allowance, a donation, a subscription). */
export interface RecurringTransfer {
  readonly payee: PaymentParty;
  /** Days between payments, and how many days each may move either way. */
  readonly periodDays: number;
  readonly jitterDays: number;
  /** Local day of the first payment (may be negative: the series began before the window). */
  readonly firstDay: number;
  /** No payment on or after this day. */
  readonly untilDay?: number;
  /**
   * Support that follows the pay cycle: when set and the profile pays on paydays, a transfer
   * every 14 days or more goes out on paydays from this day (every payday when fortnightly, every
   * other one when monthly; on the day or the day after) instead of every `periodDays`.
   */
  readonly paydaysFrom?: number;
  /** Typical amount in USD; each payment varies by ±`spread` (a fraction). */
  readonly usd: number;
  readonly spread: number;
  /** Share of payments rounded to a round step in the payer's currency. */
  readonly roundShare: number;
  readonly hour: (random: Random) => number;
  readonly details: (random: Random) => PaymentDetails;
}

/** A behaviour that pays `transfer` every `periodDays` (± jitter) from `firstDay`. */
export function recurringTransfer(scenario: Scenario, customer: Customer, transfer: RecurringTransfer): Behaviour {
  if (transfer.paydaysFrom !== undefined && scenario.profile.paydays && transfer.periodDays >= 14) {
    return paydayTransfer(scenario, customer, transfer, transfer.paydaysFrom);
  }
  return (random) => {
    let next = transfer.firstDay;
    return (day, out) => {
      while (next < day)
        next += Math.max(1, transfer.periodDays + random.integer(-transfer.jitterDays, transfer.jitterDays));
      if (next !== day) return;
      if (transfer.untilDay !== undefined && day >= transfer.untilDay) return;
      next += Math.max(1, transfer.periodDays + random.integer(-transfer.jitterDays, transfer.jitterDays));
      out.push(transferPayment(scenario, customer, transfer, day, random));
    };
  };
}

/**
 * One payment of a recurring transfer on `day`: its amount spread around `transfer.usd`, its
 * details, its hour and whether it is round, drawn from `random` in that order (the order is part
 * of the scenario: the same seed must give the same payments).
 */
function transferPayment(
  scenario: Scenario,
  customer: Customer,
  transfer: RecurringTransfer,
  day: number,
  random: Random,
) {
  const usd = transfer.usd * (1 + random.between(-transfer.spread, transfer.spread));
  const details = transfer.details(random);
  return customerPayment(
    customer,
    customerInstant(scenario, customer, day, transfer.hour(random)),
    transfer.payee,
    usd,
    {
      ...details,
      round: random.chance(transfer.roundShare),
    },
  );
}

/** `transfer` on paydays from local day `from` (see `RecurringTransfer.paydaysFrom`). */
function paydayTransfer(scenario: Scenario, customer: Customer, transfer: RecurringTransfer, from: number): Behaviour {
  const step = transfer.periodDays >= 28 ? 2 : 1;
  return (random) => {
    const phase = random.integer(0, step - 1);
    const days = new Set(
      paydaysBetween(scenario.start, from, scenario.days)
        .filter((_, index) => index % step === phase)
        .map((day) => day + (random.chance(0.3) ? 1 : 0))
        .filter((day) => transfer.untilDay === undefined || day < transfer.untilDay),
    );
    return (day, out) => {
      if (!days.has(day)) return;
      out.push(transferPayment(scenario, customer, transfer, day, random));
    };
  };
}

/** A log-uniform amount between `low` and `high` (small amounts more common, as in practice). */
export function logUniform(random: Random, low: number, high: number): number {
  return Math.exp(random.between(Math.log(low), Math.log(high)));
}

/** Either `value` or, with probability `absentShare`, nothing (a field the channel did not fill). */
export function sometimes<T>(random: Random, value: T, absentShare: number): T | undefined {
  return random.chance(absentShare) ? undefined : value;
}
