import type { PaymentParty } from '../../payments/index.js';
import { dayMs } from '../clock.js';
import { documentNumber } from '../customer.js';
import type { Directory } from '../directory.js';
import { surnames } from '../names.js';
import type { PaymentDraft } from '../payment-draft.js';
import type { Random } from '../random.js';
import { country as countryOf, fromUsd, highRiskCountryWeights, roundStep } from '../world.js';
import type { PassThroughPlan } from './pass-through.js';

/**
 * A planted T2 receiver abroad (notes F13, F15): many unrelated offenders pay it. Variants (each
 * drawn per facilitator): quick cash-out of 80%+ of every inflow within 24 h; cash pick-up where
 * senders name 3–4 different beneficiaries who all show the same identity document; a reference
 * text every sender is told to use.
 */
export interface Facilitator {
  /** The account as offenders pay it (no KYC fields). */
  readonly party: PaymentParty;
  /** The same account as the payer of its cash-outs (with birth date and birth country). */
  readonly asPayer: PaymentParty;
  readonly country: string;
  readonly currency: string;
  readonly offsetMinutes: number;
  readonly cashOut: boolean;
  readonly pickup?: { readonly document: string; readonly aliases: readonly PaymentParty[] } | undefined;
  readonly sharedReference?: string | undefined;
}

/**
 * The cash-out of a facilitator: 1–20 hours after money arrives, 90–100% of what arrived since
 * leaves as an ATM withdrawal (or a cash collection at an agent), rounded down to banknotes when
 * that still leaves at least 80% of the inflow. The payment is in the facilitator's currency.
 */
export function facilitatorCashOut(facilitator: Facilitator, directory: Directory): PassThroughPlan {
  const step = roundStep(facilitator.currency);
  return {
    delayHours: [1, 20],
    share: [0.9, 1],
    payout(random, usd, collectedUsd, at): PaymentDraft {
      const target = fromUsd(usd, facilitator.currency);
      const floor = fromUsd(collectedUsd * 0.8, facilitator.currency);
      const notes = Math.floor(target / step) * step;
      const amount = notes >= floor ? notes : Math.max(Math.ceil(floor * 100) / 100, Math.round(target * 100) / 100);
      const atm = random.chance(0.75);
      return {
        at,
        offsetMinutes: facilitator.offsetMinutes,
        payer: facilitator.asPayer,
        payee: atm ? directory.atm(facilitator.country) : directory.cashAgent(facilitator.country),
        amount,
        currency: facilitator.currency,
        channel: atm ? 'atm' : 'cash_pickup',
        fundingInstrument: `card-${facilitator.party.account.slice(5)}-1`,
      };
    },
  };
}

/**
 * Draws `count` facilitators in corridor countries: 60% cash out quickly, 35% collect by cash
 * pick-up under 3–4 beneficiary names with one document, 30% ask senders for one reference text.
 */
export function drawFacilitators(random: Random, directory: Directory, count: number, start: number): Facilitator[] {
  return Array.from({ length: count }, () => {
    const countryCode = random.weighted(highRiskCountryWeights);
    const { currency, offsets } = countryOf(countryCode);
    const party = directory.person('Payee', random.pick(surnames), countryCode);
    const birthDate = new Date(start - random.between(25, 55) * 365.25 * dayMs).toISOString().slice(0, 10);
    const pickup = random.chance(0.35);
    return {
      party,
      asPayer: { ...party, birthDate, birthCountry: countryCode },
      country: countryCode,
      currency,
      offsetMinutes: offsets[0] ?? 0,
      cashOut: random.chance(0.6),
      pickup: pickup
        ? {
            document: documentNumber(random, countryCode),
            aliases: random
              .sample(surnames, random.integer(3, 4))
              .map((surname, alias) => ({ ...party, name: `Test Payee ${alias + 1} ${surname}` })),
          }
        : undefined,
      sharedReference: random.chance(0.3)
        ? random.pick(['school fees', 'rent', 'load', 'invoice', 'medicine'])
        : undefined,
    };
  });
}

/** The indicators and variant a facilitator's label carries. */
export function facilitatorLabel(facilitator: Facilitator): { indicators: string[]; variant: string } {
  const indicators = ['F13'];
  if (facilitator.cashOut || facilitator.pickup !== undefined) indicators.push('F15');
  if (facilitator.sharedReference !== undefined) indicators.push('F05');
  const variant = [facilitator.cashOut ? 'cash_out' : '', facilitator.pickup !== undefined ? 'pickup_document' : '']
    .filter((part) => part !== '')
    .join('+');
  return { indicators, variant: variant === '' ? 'plain' : variant };
}
