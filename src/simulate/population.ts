import { dailyDrafts, type Scenario } from './behaviours/behaviour.js';
import { drawFacilitators, facilitatorCashOut, facilitatorLabel } from './behaviours/facilitator.js';
import { type OffenderTraits, offenderTraits } from './behaviours/offender.js';
import { passThroughReactor, type Reactor } from './behaviours/pass-through.js';
import { payrollDrafts, shopCashDrafts } from './behaviours/receivers.js';
import { tripDrafts } from './behaviours/trip.js';
import { AccountNumbers, Directory } from './directory.js';
import {
  type LegitimateLabel,
  type LegitimatePersona,
  type PlantedKind,
  type PlantedLabel,
  typologyOfKind,
} from './labels.js';
import { drawCommunityReceivers, drawPayrolls, friendPicker, linkFacilitators } from './links.js';
import { type PlanContext, planMember } from './member-plans.js';
import { drawMembers, type Member } from './members.js';
import type { PaymentDraft } from './payment-draft.js';
import { createRandom } from './random.js';
import { drawRoles } from './roles.js';
import { type PlantedCounts, plantedCounts, plantedKinds, type ScenarioMix } from './scenario-mix.js';
import type { SimulationProfile } from './simulation-profile.js';

/** What decides a population: the same options always give the same population. */
export interface PopulationOptions {
  readonly seed: number;
  readonly accounts: number;
  readonly days: number;
  /** UTC midnight opening the window (milliseconds). */
  readonly start: number;
  readonly mix: ScenarioMix;
  /** The population mix and behaviour parameters (`mto` for today's scenario). */
  readonly profile: SimulationProfile;
}

/** A stream of drafts, created afresh for every pass over the payments. */
export type SourcePlan = () => Iterator<PaymentDraft>;

/** A reactor watching `account`, created afresh for every pass. */
export interface ReactorPlan {
  readonly account: string;
  readonly make: () => Reactor;
}

/** Everything a scenario is made of, decided before a single payment is generated. */
export interface Population {
  readonly sources: readonly SourcePlan[];
  readonly reactors: readonly ReactorPlan[];
  readonly planted: readonly PlantedLabel[];
  readonly legitimate: readonly LegitimateLabel[];
  readonly counts: PlantedCounts;
  /** Every account id handed out: payers, payees and organisations. */
  readonly accountCount: number;
}

/** Random stream families (the first stream key), so no two purposes share numbers. */
const streams = { population: 0, behaviour: 1, customer: 2, persona: 3, reactor: 4, source: 5 } as const;

/** The stream number of a customer's trips (behaviours are numbered from 0). */
const tripStream = 1000;

/**
 * Draws the population: every payer's role, country, KYC and links (friends, employers,
 * facilitators and their offenders, mules and their victims, charities, shops, sibling groups),
 * the behaviours that will generate each account's payments, and the labels. Accounts are all
 * allocated here, so ids never depend on how the payments are later iterated; each account's
 * payments come from its own random streams, so they never depend on the iteration either.
 */
export function drawPopulation(options: PopulationOptions): Population {
  const { seed, accounts, days, start } = options;
  const random = createRandom(seed, streams.population);
  const directory = new Directory(new AccountNumbers(accounts), createRandom(seed, streams.population, 1));
  const scenario: Scenario = { seed, start, days, directory, profile: options.profile };
  const counts = plantedCounts(accounts, options.mix);
  const { roles, victimsPerMule } = drawRoles(random, accounts, counts, options.profile.personaShares);
  const { members, siblingReceivers, muleOfVictim } = drawMembers(
    { seed, start, days, random, directory, customerStream: streams.customer },
    roles,
    victimsPerMule,
  );
  const ofRole = (role: Member['role']) => members.filter((member) => member.role === role);
  const offenders = ofRole('offender');
  const friendsOf = friendPicker(random, members);
  const payrolls = drawPayrolls(random, directory, members);
  const facilitators = drawFacilitators(random, directory, counts.facilitators, start);
  const community = drawCommunityReceivers(
    random,
    directory,
    start,
    ofRole('charity_donor').length,
    ofRole('shop_buyer').length,
  );
  const firstMuleDay = Math.min(7, Math.floor(days / 4));
  const muleDays = new Map(
    ofRole('mule').map((mule) => [mule, random.integer(firstMuleDay, Math.max(firstMuleDay, days - 9))]),
  );
  const traitsOf = new Map<Member, OffenderTraits>();
  offenderTraits(random, offenders.length, days).forEach((traits, number) => {
    const offender = offenders[number];
    if (offender !== undefined) traitsOf.set(offender, traits);
  });
  const context: PlanContext = {
    scenario,
    random,
    personaStream: streams.persona,
    facilitators,
    facilitatorsOf: linkFacilitators(random, facilitators, offenders),
    traitsOf,
    muleDays,
    muleOfVictim,
    siblingReceivers,
    community,
    friendsOf,
  };

  const sources: SourcePlan[] = [];
  const reactors: ReactorPlan[] = [];
  const planted: PlantedLabel[] = [];
  const legitimate: LegitimateLabel[] = [];
  const plant = (account: string, kind: PlantedKind, indicators: readonly string[], variant?: string) =>
    planted.push({ account, kind, typology: typologyOfKind[kind], indicators, ...(variant ? { variant } : {}) });
  const legitimateLabel = (account: string, persona: LegitimatePersona) =>
    legitimate.push({ account, kind: 'legitimate', persona, typology: null });

  for (const member of members) {
    const plan = planMember(context, member);
    const { customer } = member;
    if (plan.planted !== undefined)
      plant(customer.account, plan.planted.kind, plan.planted.indicators, plan.planted.variant);
    if (plan.persona !== undefined) legitimateLabel(customer.account, plan.persona);
    const passThrough = plan.passThrough;
    if (passThrough !== undefined) {
      reactors.push({
        account: customer.account,
        make: () => passThroughReactor(passThrough, createRandom(seed, streams.reactor, member.index)),
      });
    }
    sources.push(() =>
      dailyDrafts(
        days,
        plan.behaviours.map((behaviour, number) =>
          behaviour(createRandom(seed, streams.behaviour, member.index, number)),
        ),
      ),
    );
    if (plan.trips.length > 0) {
      sources.push(() =>
        tripDrafts(scenario, customer, plan.trips, createRandom(seed, streams.behaviour, member.index, tripStream)),
      );
    }
  }
  facilitators.forEach((facilitator, number) => {
    const { indicators, variant } = facilitatorLabel(facilitator);
    plant(facilitator.party.account, 'facilitator', indicators, variant);
    if (facilitator.cashOut) {
      const cashOut = facilitatorCashOut(facilitator, directory);
      reactors.push({
        account: facilitator.party.account,
        make: () => passThroughReactor(cashOut, createRandom(seed, streams.reactor, accounts + number)),
      });
    }
  });
  payrolls.forEach((payroll, number) => {
    legitimateLabel(payroll.employer.account, 'employer');
    sources.push(() => payrollDrafts(scenario, payroll, createRandom(seed, streams.source, number)));
  });
  community.shopCash.forEach((shop, number) => {
    sources.push(() => shopCashDrafts(scenario, shop, createRandom(seed, streams.source, payrolls.length + number)));
  });
  for (const charity of [...community.abroadCharities, ...community.homeCharities.values()]) {
    legitimateLabel(charity.account, 'charity_receiver');
  }
  for (const shop of community.shops) legitimateLabel(shop.account, 'small_shop_receiver');
  for (const receiver of new Set(siblingReceivers.values()))
    legitimateLabel(receiver.account, 'sibling_group_receiver');
  for (const school of directory.allSchools()) legitimateLabel(school.account, 'school_receiver');

  const kindOrder = (label: PlantedLabel) => plantedKinds.indexOf(label.kind);
  planted.sort((left, right) => kindOrder(left) - kindOrder(right) || left.account.localeCompare(right.account));
  legitimate.sort((left, right) => left.account.localeCompare(right.account));
  return { sources, reactors, planted, legitimate, counts, accountCount: directory.numbers.count };
}
