import { localInstant } from '../clock.js';
import { type Customer, customerPayment } from '../customer.js';
import type { PaymentDraft } from '../payment-draft.js';
import type { Random } from '../random.js';
import { country as countryOf } from '../world.js';
import { type DayStep, dailyDrafts, everydayHour, hourBetween, logUniform, type Scenario } from './behaviour.js';

/** One stay abroad: card spend at the destination and cash from its ATMs. */
export interface TripPlan {
  readonly country: string;
  /** First local day at the destination, and the number of days there. */
  readonly startDay: number;
  readonly days: number;
  readonly hotelUsdPerNight: number;
  /** ATM withdrawals every day of the stay, then on top a Poisson number with mean `atmPerDay`. */
  readonly minimumAtmPerDay: number;
  readonly atmPerDay: number;
  readonly atmUsd: readonly [number, number];
  /** Mean card payments per day at restaurants and shops. */
  readonly cardPerDay: number;
  /** Chance per day of a jewellery-type purchase (FINTRAC 2025, secondary). */
  readonly jewelleryPerDay: number;
}

/**
 * The card and ATM payments of a customer's trips, recorded at the destination's UTC offset (a
 * terminal abroad records its own local time). Trips must not overlap and must be at least two
 * days apart, so that the drafts stay in time order across trips with different offsets.
 */
export function tripDrafts(scenario: Scenario, customer: Customer, trips: readonly TripPlan[], random: Random) {
  const steps: DayStep[] = trips.map((trip) => {
    const offset = countryOf(trip.country).offsets[0] ?? 0;
    const at = (day: number, hour: number) => localInstant(scenario.start, day, hour, offset);
    const pay = (
      day: number,
      hour: number,
      category: 'HOTEL' | 'RESTAURANT' | 'RETAIL' | 'JEWELLERY' | 'TRANSPORT',
      usd: number,
    ): PaymentDraft =>
      customerPayment(customer, at(day, hour), scenario.directory.tripMerchant(random, trip.country, category), usd, {
        channel: 'card',
        merchantCategory: category,
        offsetMinutes: offset,
      });
    return (day, out) => {
      const tripDay = day - trip.startDay;
      if (tripDay < 0 || tripDay >= trip.days) return;
      if (tripDay % 7 === 0) {
        const nights = Math.min(7, trip.days - tripDay);
        out.push(pay(day, hourBetween(random, 13, 20), 'HOTEL', trip.hotelUsdPerNight * nights));
      }
      if (tripDay === 0) out.push(pay(day, hourBetween(random, 9, 12), 'TRANSPORT', random.between(15, 60)));
      for (let count = random.poisson(trip.cardPerDay); count > 0; count--) {
        const category = random.chance(0.65) ? 'RESTAURANT' : 'RETAIL';
        out.push(pay(day, everydayHour(random), category, logUniform(random, 8, 90)));
      }
      if (random.chance(trip.jewelleryPerDay))
        out.push(pay(day, hourBetween(random, 11, 20), 'JEWELLERY', logUniform(random, 60, 600)));
      for (let count = trip.minimumAtmPerDay + random.poisson(trip.atmPerDay); count > 0; count--) {
        out.push(
          customerPayment(
            customer,
            at(day, hourBetween(random, 9, 23)),
            scenario.directory.atm(trip.country),
            random.between(trip.atmUsd[0], trip.atmUsd[1]),
            { channel: 'atm', offsetMinutes: offset },
          ),
        );
      }
    };
  });
  return dailyDrafts(scenario.days, steps);
}
