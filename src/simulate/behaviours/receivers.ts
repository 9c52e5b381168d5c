import type { PaymentParty } from '../../payments/index.js';
import { dayMs, localInstant } from '../clock.js';
import type { PaymentDraft } from '../payment-draft.js';
import type { Random } from '../random.js';
import { country as countryOf, localAmount } from '../world.js';
import { dailyDrafts, hourBetween, type Scenario } from './behaviour.js';

/** An employer and what it pays each employee per month (USD). */
export interface Payroll {
  readonly employer: PaymentParty;
  readonly country: string;
  readonly employees: readonly { readonly party: PaymentParty; readonly monthlyUsd: number }[];
}

/**
 * Salaries (organisation → individuals, domestic, `SALA`, bank wire) on the 25th of every calendar
 * month, in one batch at night local time a few seconds apart — a payroll run is the ordinary
 * night-time, many-payee pattern an OCSE rule must not confuse with anything.
 */
export function payrollDrafts(scenario: Scenario, payroll: Payroll, random: Random): Iterator<PaymentDraft> {
  const { currency, offsets } = countryOf(payroll.country);
  const offset = offsets[0] ?? 0;
  return dailyDrafts(scenario.days, [
    (day, out) => {
      if (new Date(scenario.start + day * dayMs).getUTCDate() !== 25) return;
      const runAt = localInstant(scenario.start, day, hourBetween(random, 1, 4), offset);
      payroll.employees.forEach((employee, index) => {
        out.push({
          at: runAt + index * 3000,
          offsetMinutes: offset,
          payer: payroll.employer,
          payee: employee.party,
          amount: localAmount(employee.monthlyUsd, currency, false),
          currency,
          channel: 'bank_wire',
          purpose: 'SALA',
          remittanceInfo: 'salary',
          fundingInstrument: `bank-${payroll.employer.account.slice(5)}-1`,
        });
      });
    },
  ]);
}

/** A small private seller abroad who takes cash out of the ATM every week. */
export interface ShopCash {
  /** The seller as payer, with birth date and birth country. */
  readonly seller: PaymentParty;
  readonly country: string;
  readonly weeklyUsd: number;
}

/** Weekly ATM withdrawals of a seller (about half of a week's takings, not a pass-through). */
export function shopCashDrafts(scenario: Scenario, shop: ShopCash, random: Random): Iterator<PaymentDraft> {
  const { currency, offsets } = countryOf(shop.country);
  const offset = offsets[0] ?? 0;
  const weekday = random.integer(0, 6);
  return dailyDrafts(scenario.days, [
    (day, out) => {
      if (day % 7 !== weekday) return;
      out.push({
        at: localInstant(scenario.start, day, hourBetween(random, 9, 18), offset),
        offsetMinutes: offset,
        payer: shop.seller,
        payee: scenario.directory.atm(shop.country),
        amount: localAmount(shop.weeklyUsd * random.between(0.8, 1.2), currency, true),
        currency,
        channel: 'atm',
        fundingInstrument: `card-${shop.seller.account.slice(5)}-1`,
      });
    },
  ]);
}
