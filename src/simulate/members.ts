import type { PaymentParty } from '../payments/index.js';
import { dayMs } from './clock.js';
import { type Customer, createCustomer } from './customer.js';
import { accountId, type Directory } from './directory.js';
import { surnames } from './names.js';
import { createRandom, type Random } from './random.js';
import { ageRange, type Role } from './roles.js';
import { highRiskCountryWeights, ordinaryReceivingCountryWeights, senderCountryWeights } from './world.js';

/** A payer account of the population: its role and the customer (KYC) it was given. */
export interface Member {
  /** Position in the population, also the key of the member's random streams. */
  readonly index: number;
  readonly role: Role;
  readonly countryCode: string;
  /** Family personas: the country of the relatives, which is (mostly) the birth country. */
  readonly destination?: string | undefined;
  readonly surname: string;
  readonly customer: Customer;
}

/** The payers and the links fixed while drawing them. */
export interface MemberDraw {
  readonly members: readonly Member[];
  /** Each sibling of a group of four and the brother or sister at home they all support. */
  readonly siblingReceivers: ReadonlyMap<Member, PaymentParty>;
  /** Each victim paying a mule, and that mule. */
  readonly muleOfVictim: ReadonlyMap<Member, Member>;
}

/** What drawing the members needs. */
export interface MemberDrawOptions {
  readonly seed: number;
  readonly start: number;
  readonly days: number;
  readonly random: Random;
  readonly directory: Directory;
  /** The random stream family of customers (their offset and birth date). */
  readonly customerStream: number;
}

/** Share of each family persona sending to the OCSE corridor (the rest to ordinary countries). */
const corridorShare: Partial<Record<Role, number>> = {
  family_remittance: 0.75,
  night_shift_family: 0.85,
  new_migrant: 0.8,
};

const year = 365.25 * dayMs;

/**
 * Gives every role a country, a surname and a customer. Mule victims live in their mule's country
 * (they pay by domestic P2P); offenders come from at least two countries (a facilitator's senders
 * must); sibling groups of four share a surname and a birth country; family personas are born, for
 * 90%, in the country they send to; everyone else mostly in the country they live in, never in the
 * corridor (so no offender has a birth-country link). Victims are 17–20 on every day of the window.
 */
export function drawMembers(
  options: MemberDrawOptions,
  roles: readonly Role[],
  victimsPerMule: readonly number[],
): MemberDraw {
  const { random, directory } = options;
  interface Draft {
    index: number;
    role: Role;
    countryCode: string;
    destination?: string;
    surname: string;
  }
  const drafts: Draft[] = roles.map((role, index) => ({
    index,
    role,
    countryCode: random.weighted(senderCountryWeights),
    surname: random.pick(surnames),
  }));
  const ofRole = (role: Role) => drafts.filter((draft) => draft.role === role);

  const victimsOfMule = new Map<Draft, Draft[]>();
  const muleVictims = ofRole('mule_victim');
  let nextVictim = 0;
  ofRole('mule').forEach((mule, muleNumber) => {
    const victims = muleVictims.slice(nextVictim, nextVictim + (victimsPerMule[muleNumber] ?? 0));
    nextVictim += victims.length;
    for (const victim of victims) victim.countryCode = mule.countryCode;
    victimsOfMule.set(mule, victims);
  });
  const offenders = ofRole('offender');
  const [firstOffender, secondOffender] = offenders;
  if (firstOffender !== undefined && secondOffender !== undefined) {
    if (offenders.every((offender) => offender.countryCode === firstOffender.countryCode)) {
      secondOffender.countryCode = firstOffender.countryCode === 'US' ? 'GB' : 'US';
    }
  }

  const siblingReceiverOf = new Map<Draft, PaymentParty>();
  const siblings = ofRole('sibling_group');
  for (let groupStart = 0; groupStart + 4 <= siblings.length; groupStart += 4) {
    const surname = random.pick(surnames);
    const destination = random.chance(0.8)
      ? random.weighted(highRiskCountryWeights)
      : random.weighted(ordinaryReceivingCountryWeights);
    const receiver = directory.person('Payee', surname, destination);
    for (const sibling of siblings.slice(groupStart, groupStart + 4)) {
      sibling.surname = surname;
      sibling.destination = destination;
      siblingReceiverOf.set(sibling, receiver);
    }
  }
  for (const draft of drafts) {
    const share = corridorShare[draft.role];
    if (share === undefined) continue;
    draft.destination = random.chance(share)
      ? random.weighted(highRiskCountryWeights)
      : random.weighted(ordinaryReceivingCountryWeights);
  }

  const victimBirth = () => {
    const latest = options.start - 17 * year - dayMs;
    const earliest = Math.min(latest, options.start + options.days * dayMs - 21 * year + dayMs);
    return new Date(random.between(earliest, latest)).toISOString().slice(0, 10);
  };
  const members = new Map<Draft, Member>();
  for (const draft of drafts) {
    const [youngest, oldest] = ageRange(draft.role);
    let birthCountry = random.chance(0.85) ? draft.countryCode : random.weighted(ordinaryReceivingCountryWeights);
    if (draft.destination !== undefined) birthCountry = random.chance(0.9) ? draft.destination : draft.countryCode;
    const victim = draft.role === 'sextortion_victim' || draft.role === 'mule_victim';
    const customer = createCustomer(
      {
        index: draft.index,
        account: accountId(draft.index),
        countryCode: draft.countryCode,
        birthCountry,
        age: random.integer(youngest, oldest),
        surname: draft.surname,
        extraInstruments: draft.role === 'offender' ? random.integer(1, 2) : 0,
        start: options.start,
        ...(victim ? { birthDate: victimBirth() } : {}),
      },
      createRandom(options.seed, options.customerStream, draft.index),
    );
    members.set(draft, { ...draft, customer });
  }
  const memberOf = (draft: Draft): Member => members.get(draft) as Member;
  const muleOfVictim = new Map<Member, Member>();
  for (const [mule, victims] of victimsOfMule)
    for (const victim of victims) muleOfVictim.set(memberOf(victim), memberOf(mule));
  const siblingReceivers = new Map<Member, PaymentParty>();
  for (const [sibling, receiver] of siblingReceiverOf) siblingReceivers.set(memberOf(sibling), receiver);
  return { members: drafts.map(memberOf), siblingReceivers, muleOfVictim };
}
