import type { PaymentParty } from '../../payments/index.js';
import type { Customer } from '../customer.js';
import type { Random } from '../random.js';
import {
  type Behaviour,
  hourBetween,
  logUniform,
  type PlannedPayment,
  plannedPayments,
  type Scenario,
} from './behaviour.js';

/** A receiving address and the screening provider's risk tags on it (plain data labels). */
export interface TaggedAddress {
  readonly party: PaymentParty;
  readonly tags: readonly string[];
}

/** The tag of direct exposure (F12: alert on its own). */
export const directExposureTag = 'CSAM_VENDOR';

/** Indirect-exposure tag sets (F12: a signal, weighed by share). */
export const indirectExposureTags: readonly (readonly string[])[] = [
  ['MIXER'],
  ['DARKNET_MARKET'],
  ['MIXER', 'DARKNET_MARKET'],
  ['PRIVACY_COIN_SWAP'],
];

/** A drawn T4 buyer. */
export interface DrawnCryptoBuyer {
  readonly behaviour: Behaviour;
  readonly indicators: readonly string[];
  readonly variant: 'direct' | 'indirect';
}

/**
 * A planted T4 buyer (notes F12, sometimes F08): 2–6 crypto payments of 20–300 USD to 1–3 tagged
 * addresses, most preceded the same day by a purchase at an ordinary exchange (no tags), and for
 * some a VPN purchase within two days. Direct buyers have at least one `CSAM_VENDOR` address;
 * indirect buyers only mixer / darknet-market / privacy-swap exposure.
 */
export function drawCryptoBuyer(
  scenario: Scenario,
  customer: Customer,
  random: Random,
  addresses: readonly TaggedAddress[],
  direct: boolean,
): DrawnCryptoBuyer {
  const vpn = random.chance(0.4);
  const lastDay = Math.max(1, scenario.days - 2);
  const payments: PlannedPayment[] = [];
  const count = random.integer(2, 6);
  for (let index = 0; index < count; index++) {
    const day = random.integer(1, lastDay);
    const hour = hourBetween(random, 8, 20);
    const usd = logUniform(random, 20, 300);
    const address = index === 0 ? (addresses[0] as TaggedAddress) : random.pick(addresses);
    if (random.chance(0.7)) {
      payments.push({
        day,
        hour,
        payee: random.pick(scenario.directory.cryptoExchanges),
        usd: usd * 1.05,
        details: { channel: 'crypto', round: true },
      });
    }
    payments.push({
      day,
      hour: hour + random.between(0.2, 3),
      payee: address.party,
      usd,
      details: { channel: 'crypto', cryptoRiskTags: address.tags },
    });
    if (vpn && random.chance(0.6)) {
      payments.push({
        day: Math.min(lastDay, Math.max(1, day + random.integer(-2, 2))),
        hour: hourBetween(random, 18, 23),
        payee: scenario.directory.onlineMerchant(random, 'VPN_ANON'),
        usd: random.between(5, 15),
        details: { channel: 'card', merchantCategory: 'VPN_ANON' },
      });
    }
  }
  return {
    behaviour: plannedPayments(scenario, customer, payments),
    indicators: vpn ? ['F12', 'F08'] : ['F12'],
    variant: direct ? 'direct' : 'indirect',
  };
}
