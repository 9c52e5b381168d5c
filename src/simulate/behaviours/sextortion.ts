import type { PaymentChannel, PaymentParty } from '../../payments/index.js';
import { type Customer, customerPayment } from '../customer.js';
import { handle } from '../names.js';
import type { Random } from '../random.js';
import { unitsPerUsd } from '../world.js';
import { type Behaviour, hourBetween, type PlannedPayment, plannedPayments, type Scenario } from './behaviour.js';
import type { PassThroughPlan } from './pass-through.js';

/** Where a victim's burst goes: a person abroad (or a mule at home) and, for crypto, an address. */
export interface BurstTarget {
  readonly person: PaymentParty;
  readonly cryptoAddress: PaymentParty;
  /** A mule is paid by P2P only; payees abroad by gift card, P2P or crypto. */
  readonly mule: boolean;
}

/** The most a burst reaches in EUR (FATF 2025 FSEC: usually ≤ €1,500, secondary). */
export const burstCeilingEur = 1500;
/** A burst's first payment stays under this many EUR (FATF 2025 FSEC: often < €250). */
export const burstFirstBelowEur = 250;
/** Every payment of a burst falls within this many hours of the first (F16's 48 h). */
export const burstSpanHours = 44;

const eurPerUsd = unitsPerUsd.EUR ?? 0.92;

/**
 * A sextortion victim's payments (T5, F16): from local day `day`, 3–6 payments (3–5 to a mule)
 * within 44 hours to a payee the victim never paid before, the first under €250, each larger than
 * the last (× 1.15–1.8), at most €1,500 in all, mostly in the evening and at night; then nothing
 * more to that payee. Channels: gift card, P2P or crypto for payees abroad, P2P for a mule.
 */
export function victimBurst(
  scenario: Scenario,
  customer: Customer,
  random: Random,
  day: number,
  target: BurstTarget,
): Behaviour {
  const count = target.mule ? random.integer(3, 5) : random.integer(3, 6);
  const growth = random.between(1.15, 1.8);
  const channels: PaymentChannel[] = target.mule
    ? ['p2p_wallet']
    : random.sample(['gift_card', 'p2p_wallet', 'crypto'] as const, random.chance(0.3) ? 2 : 1);
  const gaps = Array.from({ length: count - 1 }, () => random.between(0.5, 14));
  const firstHour = hourBetween(random, 19, 2);
  const span = gaps.reduce((sum, gap) => sum + gap, 0);
  const squeeze = span > burstSpanHours - 1 ? (burstSpanHours - 1) / span : 1;
  let hour = firstHour;
  let eur = random.between(20, target.mule ? 150 : burstFirstBelowEur - 10);
  let total = 0;
  const relationship = random.weighted([
    [undefined, 60],
    ['none', 25],
    ['friend', 15],
  ] as const);
  const payments: PlannedPayment[] = [];
  for (let index = 0; index < count; index++) {
    if (index >= 3 && total + eur > burstCeilingEur) break;
    const channel =
      channels[Math.min(channels.length - 1, Math.floor((index * channels.length) / count))] ?? 'p2p_wallet';
    const crypto = channel === 'crypto';
    payments.push({
      day,
      hour,
      payee: crypto ? target.cryptoAddress : target.person,
      usd: eur / eurPerUsd,
      details: {
        channel,
        round: channel === 'gift_card',
        remittanceInfo: random.weighted([
          ['', 50],
          [handle(random), 25],
          ['gift', 25],
        ] as const),
        declaredRelationship: crypto ? undefined : relationship,
        cryptoRiskTags: crypto && random.chance(0.25) ? ['HIGH_RISK_P2P'] : undefined,
      },
    });
    total += eur;
    eur *= growth;
    hour += (gaps[index] ?? 0) * squeeze;
  }
  return plannedPayments(scenario, customer, payments);
}

/** Where a mule forwards: people abroad and a crypto address, chosen per forwarding payment. */
export interface MuleOutlets {
  readonly abroad: readonly PaymentParty[];
  readonly cryptoAddress: PaymentParty;
  readonly cryptoTags: readonly string[];
}

/**
 * A sextortion mule (T6, F17): 2–30 hours after money from victims arrives it forwards 85–97% of
 * everything received since, abroad by P2P/MTO or to a crypto address, so that at least 80% of
 * inflow leaves within 48 hours.
 */
export function mulePassThrough(customer: Customer, outlets: MuleOutlets): PassThroughPlan {
  return {
    delayHours: [2, 30],
    share: [0.85, 0.97],
    payout(random, usd, _collectedUsd, at) {
      if (random.chance(0.4)) {
        return customerPayment(customer, at, outlets.cryptoAddress, usd, {
          channel: 'crypto',
          cryptoRiskTags: outlets.cryptoTags,
        });
      }
      return customerPayment(customer, at, random.pick(outlets.abroad), usd, {
        channel: random.chance(0.6) ? 'p2p_wallet' : 'mto_online',
        declaredRelationship: random.chance(0.5) ? 'none' : undefined,
        remittanceInfo: random.pick(['', 'payment', 'services']),
      });
    },
  };
}
