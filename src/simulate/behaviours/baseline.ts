import type { PaymentParty } from '../../payments/index.js';
import { type Customer, customerPayment } from '../customer.js';
import { handle } from '../names.js';
import { type Behaviour, customerInstant, everydayHour, hourBetween, logUniform, type Scenario } from './behaviour.js';

/** What the population decided about a customer's everyday domestic life. */
export interface BaselinePlan {
  /** Young customers (under ~25) pay no utilities or rent and pay friends more often. */
  readonly young: boolean;
  /** Other customers of the same country this one pays now and then (P2P). */
  readonly friends: readonly PaymentParty[];
  /** A domestic private landlord paid monthly (`RENT`), when the customer rents. */
  readonly landlord?: PaymentParty | undefined;
  /** No activity before this local day (an account opened inside the window). */
  readonly activeFrom: number;
  /** Payments per 30 days of card shopping and of P2P to friends; quiet customers have few. */
  readonly shoppingPer30Days: number;
  readonly friendPaymentsPer30Days: number;
}

const shoppingCategories = [
  ['GROCERY', 30],
  ['RETAIL', 28],
  ['RESTAURANT', 16],
  ['FUEL', 10],
  ['PHARMACY', 6],
  ['ELECTRONICS', 4],
  ['TRAVEL', 4],
  ['AIRLINE', 2],
] as const;

const shoppingUsd: Readonly<Record<(typeof shoppingCategories)[number][0], readonly [number, number]>> = {
  GROCERY: [15, 180],
  RETAIL: [10, 250],
  RESTAURANT: [12, 120],
  FUEL: [25, 90],
  PHARMACY: [8, 80],
  ELECTRONICS: [40, 900],
  TRAVEL: [60, 600],
  AIRLINE: [120, 900],
};

const friendReferences = [
  'dinner',
  'pizza',
  'tickets',
  'rent share',
  'taxi',
  'birthday',
  'gift',
  'drinks',
  'groceries',
];

/**
 * The ordinary domestic spending every customer has (planted ones too, so they do not look
 * empty): monthly utility bills, rent to a private landlord for some, card shopping, online
 * subscriptions — including VPN, file hosting, live-stream and dating services for a few honest
 * customers, so that the F08 merchant categories alone mean little — and small P2P payments to
 * friends, some referenced with a handle (`@user4821`).
 */
export function baseline(scenario: Scenario, customer: Customer, plan: BaselinePlan): Behaviour {
  const { directory } = scenario;
  const country = customer.country.code;
  return (random) => {
    const utilities = plan.young
      ? random.chance(0.5)
        ? directory.utilities(country).filter((utility) => utility.reference === 'phone bill')
        : []
      : random.sample(directory.utilities(country), random.integer(2, 4));
    const bills = utilities.map((utility) => ({
      utility,
      day: random.integer(0, 29),
      usd: random.between(25, 160),
      channel: random.chance(0.6) ? ('bank_wire' as const) : ('card' as const),
    }));
    const rentDay = random.integer(0, 4);
    const rentUsd = random.between(700, 2200);
    const subscriptions = (
      [
        ['STREAMING', plan.young ? 0.7 : 0.5],
        ['GAMING', plan.young ? 0.5 : 0.12],
        ['VPN_ANON', 0.08],
        ['FILE_HOSTING', 0.12],
        ['LIVESTREAM_WEBCAM', plan.young ? 0.06 : 0.03],
        ['DATING', plan.young ? 0 : 0.04],
      ] as const
    )
      .filter(([, share]) => random.chance(share))
      .map(([category]) => ({ category, day: random.integer(0, 29), usd: random.between(4, 20) }));
    const giftCards = plan.young && random.chance(0.35);
    const shoppingRate = plan.shoppingPer30Days / 30;
    const friendRate = plan.friends.length > 0 ? plan.friendPaymentsPer30Days / 30 : 0;
    return (day, out) => {
      if (day < plan.activeFrom) return;
      const monthDay = day % 30;
      for (const bill of bills) {
        if (bill.day !== monthDay) continue;
        out.push(
          customerPayment(
            customer,
            customerInstant(scenario, customer, day, hourBetween(random, 8, 20)),
            bill.utility.party,
            bill.usd * random.between(0.9, 1.1),
            {
              channel: bill.channel,
              purpose: 'SUPP',
              remittanceInfo: bill.utility.reference,
              merchantCategory: bill.channel === 'card' ? 'UTILITIES' : undefined,
            },
          ),
        );
      }
      if (plan.landlord !== undefined && monthDay === rentDay) {
        out.push(
          customerPayment(
            customer,
            customerInstant(scenario, customer, day, hourBetween(random, 8, 21)),
            plan.landlord,
            rentUsd,
            {
              channel: 'bank_wire',
              purpose: 'RENT',
              remittanceInfo: 'rent',
              round: true,
              declaredRelationship: 'none',
            },
          ),
        );
      }
      for (const subscription of subscriptions) {
        if (subscription.day !== monthDay) continue;
        out.push(
          customerPayment(
            customer,
            customerInstant(scenario, customer, day, everydayHour(random)),
            directory.onlineMerchant(random, subscription.category),
            subscription.usd,
            { channel: 'card', merchantCategory: subscription.category },
          ),
        );
      }
      if (giftCards && monthDay === 15) {
        out.push(
          customerPayment(
            customer,
            customerInstant(scenario, customer, day, everydayHour(random)),
            directory.onlineMerchant(random, 'GAMING'),
            random.pick([10, 20, 25, 50]),
            { channel: 'gift_card', merchantCategory: 'GAMING', round: true },
          ),
        );
      }
      for (let count = random.poisson(shoppingRate); count > 0; count--) {
        const category = random.weighted(shoppingCategories);
        const [low, high] = shoppingUsd[category];
        out.push(
          customerPayment(
            customer,
            customerInstant(scenario, customer, day, everydayHour(random)),
            directory.homeMerchant(random, country, category),
            logUniform(random, low, high),
            { channel: 'card', merchantCategory: category },
          ),
        );
      }
      for (let count = random.poisson(friendRate); count > 0; count--) {
        const reference = random.chance(0.2) ? handle(random) : random.chance(0.6) ? random.pick(friendReferences) : '';
        out.push(
          customerPayment(
            customer,
            customerInstant(scenario, customer, day, plan.young ? hourBetween(random, 10, 26) : everydayHour(random)),
            random.pick(plan.friends),
            logUniform(random, 5, plan.young ? 60 : 90),
            {
              channel: 'p2p_wallet',
              remittanceInfo: reference,
              declaredRelationship: random.chance(0.5) ? 'friend' : undefined,
              round: random.chance(0.5),
            },
          ),
        );
      }
    };
  };
}
