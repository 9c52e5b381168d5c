import type { Customer } from '../customer.js';
import type { Random } from '../random.js';
import { everydayHour, type PlannedPayment, plannedPayments, type Scenario } from './behaviour.js';
import type { PersonaPlan } from './legitimate.js';
import type { TripPlan } from './trip.js';

const tourismWeights = [
  ['TH', 25],
  ['MX', 20],
  ['DO', 15],
  ['PH', 10],
  ['ID', 10],
  ['VN', 8],
  ['JM', 6],
  ['CO', 6],
] as const;

/**
 * A holiday in a corridor country: one trip (two for some) of 3–10 days with an airline ticket
 * bought beforehand, hotel and card spend there and at most a couple of ATM withdrawals; some
 * retirees stay 15–28 days but rarely use ATMs. No payments to individuals there.
 */
export function tourist(scenario: Scenario, customer: Customer, random: Random): PersonaPlan {
  const longStay = random.chance(0.15);
  const tripCount = longStay ? 1 : random.chance(0.15) ? 2 : 1;
  const trips: TripPlan[] = [];
  const tickets: PlannedPayment[] = [];
  let earliest = 1;
  for (let index = 0; index < tripCount; index++) {
    const length = longStay ? random.integer(15, 28) : random.integer(3, 10);
    const latestStart = scenario.days - 2 - length;
    if (latestStart < earliest) break;
    const startDay = random.integer(earliest, Math.min(latestStart, earliest + Math.floor(scenario.days / tripCount)));
    const country = random.weighted(tourismWeights);
    trips.push({
      country,
      startDay,
      days: length,
      hotelUsdPerNight: random.between(60, 250),
      minimumAtmPerDay: 0,
      atmPerDay: longStay ? random.between(0.1, 0.3) : random.between(0, 0.3),
      atmUsd: [50, 200],
      cardPerDay: random.between(2, 5),
      jewelleryPerDay: 0.02,
    });
    const ticketDay = startDay - random.integer(10, 60);
    if (ticketDay >= 1) {
      tickets.push({
        day: ticketDay,
        hour: everydayHour(random),
        payee: random.pick(scenario.directory.airlines),
        usd: random.between(400, 1600),
        details: { channel: 'card', merchantCategory: 'AIRLINE' },
      });
    }
    earliest = startDay + length + 3;
  }
  return { behaviours: [plannedPayments(scenario, customer, tickets)], trips };
}
