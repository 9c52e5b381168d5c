import type { PaymentParty } from '../../payments/index.js';
import type { Customer } from '../customer.js';
import { categoryReference } from '../names.js';
import type { Random } from '../random.js';
import {
  type Behaviour,
  everydayHour,
  hourBetween,
  logUniform,
  type PlannedPayment,
  plannedPayments,
  type Scenario,
} from './behaviour.js';
import type { TripPlan } from './trip.js';

/** Destinations of planted travel, weighted to the corridor countries named for it. */
export const travelToOffendCountryWeights = [
  ['PH', 30],
  ['TH', 25],
  ['KH', 10],
  ['VN', 8],
  ['DO', 8],
  ['CO', 8],
  ['MX', 6],
  ['ID', 5],
] as const;

/** A drawn T3 traveller: behaviours at home, trips, and what was planted. */
export interface DrawnTraveller {
  readonly behaviours: readonly Behaviour[];
  readonly trips: readonly TripPlan[];
  readonly indicators: readonly string[];
  readonly variant: 'long_stay' | 'repeat_trips';
}

/**
 * A planted T3 traveller (notes F09 with F01 history): first 3–8 small payments (20–150 USD) to
 * individuals in `country`, then either one stay of 14–30 days or 2–3 stays of 5–12 days there,
 * with tickets bought beforehand, cheap lodging, at least one ATM withdrawal every day there
 * (60–300 USD each; F09 asks for ≥ 1 a day) and some jewellery-type purchases. The trips fill the last 60% of the window; a
 * window shorter than about 45 days shortens the stays.
 */
export function drawTraveller(
  scenario: Scenario,
  customer: Customer,
  random: Random,
  country: string,
  receivers: readonly PaymentParty[],
): DrawnTraveller {
  const days = scenario.days;
  const tripArea = Math.max(2, Math.floor(days * 0.4));
  const longStay = random.chance(0.6);
  const trips: TripPlan[] = [];
  const tripParameters = (startDay: number, length: number): TripPlan => ({
    country,
    startDay,
    days: length,
    hotelUsdPerNight: random.between(20, 90),
    minimumAtmPerDay: 1,
    atmPerDay: random.between(0.1, 1),
    atmUsd: [60, 300],
    cardPerDay: random.between(1, 3),
    jewelleryPerDay: 0.08,
  });
  const available = days - 2 - tripArea;
  if (longStay) {
    const length = Math.max(1, Math.min(random.integer(14, 30), available));
    trips.push(tripParameters(tripArea + random.integer(0, Math.max(0, available - length)), length));
  } else {
    const count = random.integer(2, 3);
    let startDay = tripArea;
    for (let index = 0; index < count; index++) {
      const length = Math.min(random.integer(5, 12), days - 2 - startDay);
      if (length < 2) break;
      trips.push(tripParameters(startDay, length));
      startDay += length + random.integer(3, 10);
    }
  }
  const firstTrip = trips[0]?.startDay ?? tripArea;
  const nightShare = random.between(0.2, 0.9);
  const relationship = random.weighted([
    ['friend', 40],
    ['none', 30],
    [undefined, 30],
  ] as const);
  const prior: PlannedPayment[] = Array.from({ length: random.integer(3, 8) }, () => ({
    day: random.integer(1, Math.max(1, firstTrip - 3)),
    hour: random.chance(nightShare) ? hourBetween(random, 22, 6) : hourBetween(random, 7, 22),
    payee: random.pick(receivers),
    usd: logUniform(random, 20, 150),
    details: {
      channel: random.chance(0.6) ? 'mto_online' : 'p2p_wallet',
      round: random.chance(0.6),
      remittanceInfo: random.chance(0.7)
        ? categoryReference(random, random.pick(['gift', 'education', 'housing'] as const))
        : '',
      declaredRelationship: relationship,
    },
  }));
  const tickets: PlannedPayment[] = trips.map((trip) => ({
    day: Math.max(1, trip.startDay - random.integer(7, 30)),
    hour: everydayHour(random),
    payee: random.pick(scenario.directory.airlines),
    usd: random.between(500, 1500),
    details: { channel: 'card', merchantCategory: 'AIRLINE' },
  }));
  const indicators = ['F09', 'F01'];
  if (nightShare >= 0.5) indicators.push('F04');
  return {
    behaviours: [plannedPayments(scenario, customer, [...prior, ...tickets])],
    trips,
    indicators,
    variant: longStay ? 'long_stay' : 'repeat_trips',
  };
}
