import type { PaymentParty } from '../payments/index.js';
import { baseline } from './behaviours/baseline.js';
import type { Behaviour, Scenario } from './behaviours/behaviour.js';
import { directExposureTag, drawCryptoBuyer, indirectExposureTags } from './behaviours/crypto-exposure.js';
import type { Facilitator } from './behaviours/facilitator.js';
import {
  charityDonation,
  cryptoInvestor,
  familyRemittance,
  newMigrant,
  newRelative,
  partnerSupport,
  shopPurchases,
  siblingSupport,
  studentFees,
} from './behaviours/legitimate.js';
import { drawOffender, type OffenderReceiver, type OffenderTraits, offenderBehaviour } from './behaviours/offender.js';
import type { PassThroughPlan } from './behaviours/pass-through.js';
import { mulePassThrough, victimBurst } from './behaviours/sextortion.js';
import { tourist } from './behaviours/tourist.js';
import { drawTraveller, travelToOffendCountryWeights } from './behaviours/travel-to-offend.js';
import type { TripPlan } from './behaviours/trip.js';
import type { LegitimatePersona, PlantedKind } from './labels.js';
import type { CommunityReceivers } from './links.js';
import type { Member } from './members.js';
import { surnames } from './names.js';
import { createRandom, type Random } from './random.js';
import { youngRoles } from './roles.js';
import {
  highRiskCountryWeights,
  ordinaryReceivingCountryWeights,
  sextortionDestinationWeights,
  studyCountryWeights,
} from './world.js';

/** Everything decided about the population before each member's behaviours are drawn. */
export interface PlanContext {
  readonly scenario: Scenario;
  /** The population's own stream (links and payees); each member also gets a persona stream. */
  readonly random: Random;
  readonly personaStream: number;
  readonly facilitators: readonly Facilitator[];
  readonly facilitatorsOf: ReadonlyMap<Member, readonly Facilitator[]>;
  readonly traitsOf: ReadonlyMap<Member, OffenderTraits>;
  /** The local day each mule's victims start paying it. */
  readonly muleDays: ReadonlyMap<Member, number>;
  readonly muleOfVictim: ReadonlyMap<Member, Member>;
  readonly siblingReceivers: ReadonlyMap<Member, PaymentParty>;
  readonly community: CommunityReceivers;
  readonly friendsOf: (member: Member) => PaymentParty[];
}

/** What one member does and what it is labelled. */
export interface MemberPlan {
  /** Behaviours at the customer's own UTC offset (baseline first). */
  readonly behaviours: readonly Behaviour[];
  /** Stays abroad, recorded at the destination's offset. */
  readonly trips: readonly TripPlan[];
  /** A mule's forwarding of what reaches it. */
  readonly passThrough?: PassThroughPlan;
  readonly planted?: { readonly kind: PlantedKind; readonly indicators: readonly string[]; readonly variant?: string };
  readonly persona?: LegitimatePersona;
}

const victimRoles = new Set(['sextortion_victim', 'mule_victim']);

/** A random local day in [low, high] (high raised to low when the window is too short). */
function windowDay(random: Random, low: number, high: number): number {
  return random.integer(low, Math.max(low, high));
}

/** Draws the behaviours of `member`: its everyday baseline plus its role's own behaviour. */
export function planMember(context: PlanContext, member: Member): MemberPlan {
  const { scenario, random } = context;
  const { directory, days } = scenario;
  const customer = member.customer;
  const young = youngRoles.has(member.role);
  const victim = victimRoles.has(member.role);
  const activeFrom = member.role === 'new_migrant' ? windowDay(random, 0, days - 21) : 0;
  const behaviours: Behaviour[] = [
    baseline(scenario, customer, {
      young,
      friends: context.friendsOf(member),
      landlord:
        !young && random.chance(0.4)
          ? directory.person('Landlord', random.pick(surnames), member.countryCode)
          : undefined,
      activeFrom,
      shoppingPer30Days: victim ? random.integer(1, 3) : young ? random.integer(2, 6) : random.integer(3, 9),
      friendPaymentsPer30Days:
        member.role === 'young_p2p'
          ? random.integer(6, 15)
          : victim
            ? random.integer(0, 2)
            : young
              ? random.integer(2, 6)
              : random.integer(0, 3),
    }),
  ];
  const personaRandom = createRandom(scenario.seed, context.personaStream, member.index);
  const person = (country: string) => directory.person('Payee', random.pick(surnames), country);
  const relativesIn = (country: string, count: number) =>
    Array.from({ length: count }, () => newRelative(directory, personaRandom, customer, country));
  const destination = member.destination ?? random.weighted(highRiskCountryWeights);
  const legitimate = (persona: LegitimatePersona, extra: readonly Behaviour[], trips: readonly TripPlan[] = []) => ({
    behaviours: [...behaviours, ...extra],
    trips,
    persona,
  });
  switch (member.role) {
    case 'offender': {
      const paid = context.facilitatorsOf.get(member) ?? [];
      const corridor = paid[0]?.country ?? random.weighted(highRiskCountryWeights);
      const own = Math.max(random.integer(1, 4) - paid.length, paid.length === 0 ? 1 : 0);
      const receivers: OffenderReceiver[] = [
        ...paid.map((facilitator) => ({
          party: facilitator.party,
          pickup: facilitator.pickup,
          sharedReference: facilitator.sharedReference,
        })),
        ...Array.from({ length: own }, () => ({ party: person(corridor) })),
      ];
      const traits = context.traitsOf.get(member);
      if (traits === undefined) throw new Error('an offender without traits');
      const drawn = drawOffender(
        personaRandom,
        customer,
        receivers,
        days,
        traits,
        scenario.profile.offenderPaymentsPer30Days,
      );
      const variant = `${paid.length > 0 ? 'shared_receiver' : 'own_receivers'}${drawn.lateStart ? '_late_start' : ''}`;
      return {
        behaviours: [...behaviours, offenderBehaviour(scenario, customer, drawn.plan)],
        trips: [],
        planted: { kind: 'offender', indicators: drawn.indicators, variant },
      };
    }
    case 'sextortion_victim': {
      const target = {
        person: person(random.weighted(sextortionDestinationWeights)),
        cryptoAddress: directory.cryptoAddress(),
        mule: false,
      };
      const day = windowDay(random, Math.min(10, Math.floor(days / 3)), days - 3);
      return {
        behaviours: [...behaviours, victimBurst(scenario, customer, personaRandom, day, target)],
        trips: [],
        planted: { kind: 'sextortion_victim', indicators: ['F16'], variant: 'pays_abroad' },
      };
    }
    case 'mule_victim': {
      const mule = context.muleOfVictim.get(member);
      if (mule === undefined) throw new Error('a mule victim without a mule');
      const day = Math.min(days - 3, (context.muleDays.get(mule) ?? 1) + random.integer(0, 3));
      const target = { person: mule.customer.asPayee, cryptoAddress: mule.customer.asPayee, mule: true };
      return {
        behaviours: [...behaviours, victimBurst(scenario, customer, personaRandom, day, target)],
        trips: [],
        planted: { kind: 'sextortion_victim', indicators: ['F16'], variant: 'pays_mule' },
      };
    }
    case 'mule': {
      const tagged = random.chance(0.5);
      const outlets = {
        abroad: Array.from({ length: random.integer(1, 2) }, () =>
          person(random.weighted(sextortionDestinationWeights)),
        ),
        cryptoAddress: directory.cryptoAddress(),
        cryptoTags: tagged ? ['HIGH_RISK_P2P'] : [],
      };
      return {
        behaviours,
        trips: [],
        passThrough: mulePassThrough(customer, outlets),
        planted: { kind: 'mule', indicators: tagged ? ['F17', 'F12'] : ['F17'] },
      };
    }
    case 'travel_to_offend': {
      const country = random.weighted(travelToOffendCountryWeights);
      const receivers = Array.from({ length: random.integer(1, 3) }, () => person(country));
      const facilitator = context.facilitators.find((candidate) => candidate.country === country);
      if (facilitator !== undefined && random.chance(0.5)) receivers.push(facilitator.party);
      const drawn = drawTraveller(scenario, customer, personaRandom, country, receivers);
      return {
        behaviours: [...behaviours, ...drawn.behaviours],
        trips: drawn.trips,
        planted: { kind: 'travel_to_offend', indicators: drawn.indicators, variant: drawn.variant },
      };
    }
    case 'crypto_exposure': {
      const direct = random.chance(0.55);
      const addresses = Array.from({ length: random.integer(1, 3) }, (_, index) => ({
        party: directory.cryptoAddress(),
        tags: direct && index === 0 ? [directExposureTag] : random.pick(indirectExposureTags),
      }));
      const drawn = drawCryptoBuyer(scenario, customer, personaRandom, addresses, direct);
      return {
        behaviours: [...behaviours, drawn.behaviour],
        trips: [],
        planted: { kind: 'crypto_exposure', indicators: drawn.indicators, variant: drawn.variant },
      };
    }
    case 'family_remittance':
    case 'night_shift_family': {
      const nightShift = member.role === 'night_shift_family';
      const sizes = scenario.profile.familySizes;
      const count = nightShift
        ? random.integer(sizes.nightShift[0], sizes.nightShift[1])
        : random.chance(sizes.singleRelativeShare)
          ? 1
          : random.integer(sizes.several[0], sizes.several[1]);
      const relatives = relativesIn(destination, count);
      return legitimate(
        member.role,
        familyRemittance(scenario, customer, personaRandom, { relatives, nightShift, fromDay: 0 }),
      );
    }
    case 'new_migrant':
      return legitimate(
        'new_migrant',
        newMigrant(
          scenario,
          customer,
          personaRandom,
          relativesIn(
            destination,
            random.integer(scenario.profile.familySizes.newMigrant[0], scenario.profile.familySizes.newMigrant[1]),
          ),
          activeFrom,
        ),
      );
    case 'student_fees': {
      let study = random.weighted(studyCountryWeights);
      if (study === member.countryCode) study = study === 'GB' ? 'US' : 'GB';
      return legitimate(
        'student_fees',
        studentFees(scenario, customer, personaRandom, {
          country: study,
          child: directory.person('Payee', member.surname, study),
          landlord: random.chance(0.35) ? directory.person('Landlord', random.pick(surnames), study) : undefined,
        }),
      );
    }
    case 'partner_support': {
      const country = random.chance(0.65)
        ? random.weighted(highRiskCountryWeights)
        : random.weighted(ordinaryReceivingCountryWeights);
      return legitimate('partner_support', [partnerSupport(scenario, customer, personaRandom, person(country))]);
    }
    case 'sibling_group': {
      const receiver = context.siblingReceivers.get(member);
      return legitimate(
        'sibling_group',
        receiver === undefined ? [] : [siblingSupport(scenario, customer, personaRandom, receiver)],
      );
    }
    case 'tourist': {
      const plan = tourist(scenario, customer, personaRandom);
      return legitimate('tourist', plan.behaviours, plan.trips ?? []);
    }
    case 'crypto_investor':
      return legitimate('crypto_investor', [cryptoInvestor(scenario, customer, personaRandom)]);
    case 'charity_donor': {
      const { abroadCharities, homeCharities } = context.community;
      let charity = random.pick(abroadCharities);
      if (random.chance(0.4)) {
        charity = homeCharities.get(member.countryCode) ?? directory.organisation('Parish Fund', member.countryCode);
        homeCharities.set(member.countryCode, charity);
      }
      return legitimate('charity_donor', [charityDonation(scenario, customer, personaRandom, charity)]);
    }
    case 'shop_buyer': {
      const shops = random.sample(context.community.shops, random.integer(1, 2));
      return legitimate('shop_buyer', [shopPurchases(scenario, customer, personaRandom, shops)]);
    }
    case 'young_p2p':
    case 'domestic_only':
      return legitimate(member.role, []);
  }
}
