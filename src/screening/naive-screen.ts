import type { OcseSettings, PaymentRecord } from '../payments/index.js';
import type { ScreeningAlert } from './payment-screening.js';

/**
 * The naive screen every Prevail figure is shown beside (`prevail payments evaluate --baseline
 * naive`, `bench/payments-eval.ts`): what an analyst writes in an afternoon from the headline of
 * the guidance — "small payments, at night, to a high-risk country" — with no typology, no
 * history of the payee and no model of legitimate senders. A payer is alerted once it has made at
 * least `minimumPayments` payments that are each
 * - at night in the payer's local time (the hour of the record's own UTC offset, `[from, to)`
 *   wrapping midnight; a time without an offset is never night),
 * - small: worth less than `smallBelowUsd` US dollars (a currency without a rate is never small),
 * - into a high-risk corridor: the payee's country is on the corridor list and differs from the
 *   payer's.
 *
 * It reads only fields a plain bank pacs.008 export carries (time with offset, amount, currency,
 * countries), so it runs the same on every input. Its thresholds are fixed here, not tuned on
 * any scenario.
 */
export interface NaiveScreenSettings {
  /** Qualifying payments a payer needs over the whole file to be alerted. */
  readonly minimumPayments: number;
  /** A payment is small below this many US dollars. */
  readonly smallBelowUsd: number;
  /** Local hours counted as night, `[from, to)`, wrapping midnight. */
  readonly nightHours: readonly [number, number];
  /** ISO 3166-1 alpha-2 codes of the high-risk receiving countries. */
  readonly corridors: readonly string[];
  /** US dollars per unit of each currency. */
  readonly usdRates: Readonly<Record<string, number>>;
}

/** The typology name of a naive alert (not a pack typology: it scores no pattern). */
export const naiveTypology = 'naive_night_small_corridor';

/** Three qualifying payments: the smallest count the OCSE note's F01/F02 counts start from. */
export const naiveMinimumPayments = 3;

/**
 * The naive screen's settings from the OCSE pack's: the same corridor list, night hours and
 * exchange rates, "small" = under the top of the pack's F01 band (USD 350 by default), and
 * `naiveMinimumPayments` payments.
 */
export function naiveScreenSettings(pack: OcseSettings): NaiveScreenSettings {
  return {
    minimumPayments: naiveMinimumPayments,
    smallBelowUsd: pack.small_payment_usd[1],
    nightHours: pack.night_hours,
    corridors: pack.corridors,
    usdRates: pack.usd_rates,
  };
}

interface PayerTally {
  count: number;
  firstMs: number;
  lastMs: number;
}

/**
 * The naive screen over a stream of payments: `add` each record (any order), then `alerts`.
 * Memory grows with the number of payers that made a qualifying payment, not with the payments.
 */
export class NaiveScreen {
  private readonly corridors: ReadonlySet<string>;
  private readonly tallies = new Map<string, PayerTally>();

  constructor(private readonly settings: NaiveScreenSettings) {
    if (!Number.isSafeInteger(settings.minimumPayments) || settings.minimumPayments < 1) {
      throw new RangeError('minimumPayments must be a whole number ≥ 1');
    }
    this.corridors = new Set(settings.corridors);
  }

  /** Whether `record` is night-time, small and into a corridor (see `NaiveScreenSettings`). */
  qualifies(record: PaymentRecord): boolean {
    const payee = record.payee.country;
    if (payee === undefined || !this.corridors.has(payee) || record.payer.country === payee) return false;
    const rate = this.settings.usdRates[record.currency];
    if (rate === undefined || record.amount * rate >= this.settings.smallBelowUsd) return false;
    const hour = record.localHour;
    if (hour === undefined) return false;
    const [from, to] = this.settings.nightHours;
    return from <= to ? hour >= from && hour < to : hour >= from || hour < to;
  }

  add(record: PaymentRecord): void {
    if (!this.qualifies(record)) return;
    const at = Date.parse(record.time);
    const tally = this.tallies.get(record.payer.account);
    if (tally === undefined) {
      this.tallies.set(record.payer.account, { count: 1, firstMs: at, lastMs: at });
      return;
    }
    tally.count += 1;
    tally.firstMs = Math.min(tally.firstMs, at);
    tally.lastMs = Math.max(tally.lastMs, at);
  }

  /** One alert per payer with at least `minimumPayments` qualifying payments, most first. */
  alerts(): ScreeningAlert[] {
    const { minimumPayments, smallBelowUsd, nightHours } = this.settings;
    const alerts: ScreeningAlert[] = [];
    for (const [account, tally] of this.tallies) {
      if (tally.count < minimumPayments) continue;
      alerts.push({
        subject: { type: 'payment_account', id: account },
        typology: naiveTypology,
        score: tally.count,
        reasons: [
          `${tally.count} payments under USD ${smallBelowUsd} between ${nightHours[0]}:00 and ${nightHours[1]}:00 local time into high-risk corridors (threshold ${minimumPayments}) [naive baseline]`,
        ],
        firstSeen: new Date(tally.firstMs).toISOString(),
        lastSeen: new Date(tally.lastMs).toISOString(),
      });
    }
    return alerts.sort((a, b) => b.score - a.score || (a.subject.id < b.subject.id ? -1 : 1));
  }
}
