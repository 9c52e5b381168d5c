import type { PaymentParty } from '../payments/index.js';
import { logUniform } from './behaviours/behaviour.js';
import type { Facilitator } from './behaviours/facilitator.js';
import type { Payroll, ShopCash } from './behaviours/receivers.js';
import { dayMs } from './clock.js';
import type { Customer } from './customer.js';
import type { Directory } from './directory.js';
import type { Member } from './members.js';
import { surnames } from './names.js';
import type { Random } from './random.js';
import { youngRoles } from './roles.js';
import { highRiskCountryWeights } from './world.js';

/** Customers of each country, young and adult apart. Mules are left out: they are nobody's friend or employee. */
function byCountry(members: readonly Member[]): Map<string, { young: Customer[]; adult: Customer[] }> {
  const groups = new Map<string, { young: Customer[]; adult: Customer[] }>();
  for (const member of members) {
    if (member.role === 'mule') continue;
    const group = groups.get(member.countryCode) ?? { young: [], adult: [] };
    (youngRoles.has(member.role) ? group.young : group.adult).push(member.customer);
    groups.set(member.countryCode, group);
  }
  return groups;
}

/**
 * Picks each member's friends among customers of the same country (young people mostly befriend
 * young people; young P2P personas have 3–8 friends, others 1–4). Mules are nobody's friend, so
 * what reaches a mule is what its victims pay.
 */
export function friendPicker(random: Random, members: readonly Member[]): (member: Member) => PaymentParty[] {
  const groups = byCountry(members);
  return (member) => {
    const group = groups.get(member.countryCode);
    if (group === undefined) return [];
    const young = youngRoles.has(member.role);
    const count = member.role === 'young_p2p' ? random.integer(3, 8) : random.integer(1, 4);
    const friends: PaymentParty[] = [];
    for (let attempt = 0; attempt < count * 2 && friends.length < count; attempt++) {
      const pool = young === random.chance(0.75) ? group.young : group.adult;
      if (pool.length === 0) continue;
      const friend = random.pick(pool);
      if (friend.index !== member.index && !friends.includes(friend.asPayee)) friends.push(friend.asPayee);
    }
    return friends;
  };
}

/** Employers per country, up to 150 employees each: 65% of adults under 66 draw a salary (1,800–7,000 USD). */
export function drawPayrolls(random: Random, directory: Directory, members: readonly Member[]): Payroll[] {
  const payrolls: Payroll[] = [];
  for (const [countryCode, group] of byCountry(members)) {
    const employees = group.adult.filter((customer) => customer.age < 66 && random.chance(0.65));
    for (let first = 0; first < employees.length; first += 150) {
      payrolls.push({
        employer: directory.organisation('Employer', countryCode),
        country: countryCode,
        employees: employees.slice(first, first + 150).map((customer) => ({
          party: customer.asPayee,
          monthlyUsd: logUniform(random, 1800, 7000),
        })),
      });
    }
  }
  return payrolls;
}

/**
 * Gives each facilitator 5–7 offenders, preferring offenders with fewer facilitators so far and
 * making sure the senders come from at least two countries (notes F13).
 */
export function linkFacilitators(
  random: Random,
  facilitators: readonly Facilitator[],
  offenders: readonly Member[],
): Map<Member, Facilitator[]> {
  const facilitatorsOf = new Map<Member, Facilitator[]>();
  for (const facilitator of facilitators) {
    const ordered = random
      .shuffle(offenders)
      .sort((left, right) => (facilitatorsOf.get(left)?.length ?? 0) - (facilitatorsOf.get(right)?.length ?? 0));
    const chosen = ordered.slice(0, Math.min(offenders.length, random.integer(5, 7)));
    const first = chosen[0];
    if (first !== undefined && chosen.every((member) => member.countryCode === first.countryCode)) {
      const other = offenders.find((member) => member.countryCode !== first.countryCode);
      if (other !== undefined) chosen[chosen.length - 1] = other;
    }
    for (const member of chosen) facilitatorsOf.set(member, [...(facilitatorsOf.get(member) ?? []), facilitator]);
  }
  return facilitatorsOf;
}

/** The legitimate high fan-in receivers: charities (abroad and at home) and small sellers abroad. */
export interface CommunityReceivers {
  /** About one per 60 donors, in corridor countries; 30% are a private treasurer's account. */
  readonly abroadCharities: readonly PaymentParty[];
  /** One parish fund per sender country, created when a donor there first needs it. */
  readonly homeCharities: Map<string, PaymentParty>;
  /** Private sellers in corridor countries, about one per 15 buyers. */
  readonly shops: readonly PaymentParty[];
  /** The quarter of sellers who take cash out weekly. */
  readonly shopCash: readonly ShopCash[];
}

/** Draws the charities and shops for `donors` donors and `buyers` buyers. */
export function drawCommunityReceivers(
  random: Random,
  directory: Directory,
  start: number,
  donors: number,
  buyers: number,
): CommunityReceivers {
  const abroadCharities = Array.from({ length: Math.max(1, Math.round(donors / 60)) }, () => {
    const countryCode = random.weighted(highRiskCountryWeights);
    return random.chance(0.3)
      ? directory.person('Treasurer', random.pick(surnames), countryCode)
      : directory.organisation(random.pick(['Charity', 'Community School', 'Parish Fund']), countryCode);
  });
  const shops = Array.from({ length: Math.max(1, Math.round(buyers / 15)) }, () =>
    directory.person('Seller', random.pick(surnames), random.weighted(highRiskCountryWeights)),
  );
  const shopCash = shops
    .filter(() => random.chance(0.25))
    .map((seller) => {
      const country = seller.country ?? 'PH';
      const birthDate = new Date(start - random.between(22, 60) * 365.25 * dayMs).toISOString().slice(0, 10);
      return { seller: { ...seller, birthDate, birthCountry: country }, country, weeklyUsd: random.between(40, 200) };
    });
  return { abroadCharities, homeCharities: new Map(), shops, shopCash };
}
