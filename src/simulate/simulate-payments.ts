import type { PaymentRecord } from '../payments/index.js';
import { dayMs } from './clock.js';
import type { LegitimateLabel, PlantedKind, PlantedLabel } from './labels.js';
import { mergeDrafts } from './merge-drafts.js';
import { plainBankRecord } from './plain-bank-record.js';
import { drawPopulation } from './population.js';
import { defaultScenarioMix, type PlantedCounts, type ScenarioMix } from './scenario-mix.js';
import {
  defaultSimulationProfile,
  type SimulationProfileName,
  simulationProfileNames,
  simulationProfiles,
} from './simulation-profile.js';

/** The default window start: 2026-01-01T00:00:00Z. */
export const defaultSimulationStart = '2026-01-01T00:00:00Z';

/** What `simulatePayments` generates from. */
export interface SimulationOptions {
  /** Any safe integer; the same options always give the same scenario. */
  readonly seed: number;
  /** Payer accounts (individual customers); payees and organisations come on top. */
  readonly accounts: number;
  /** Length of the window in days. */
  readonly days: number;
  /** ISO date or date-time; the window opens at the UTC midnight of that date. */
  readonly start?: string;
  /** Planted accounts per 10,000 payer accounts, by kind (missing kinds keep the default). */
  readonly mix?: Partial<ScenarioMix>;
  /**
   * `mto` (default: today's scenario and fields), `plain-bank` (the same scenario with only what
   * a bank's plain pacs.008 export carries) or `hard` (more look-alikes, sparser offenders on
   * paydays). The same seed and options give the same output within a profile.
   */
  readonly profile?: SimulationProfileName;
}

/** A generated scenario: payments in time order and the ground truth. */
export interface Simulation {
  /**
   * Every payment, sorted by UTC instant. Each iteration regenerates the same records from the
   * plan, in bounded memory; iterate it more than once at the cost of generating it again.
   */
  readonly payments: Iterable<PaymentRecord>;
  /** One label per planted account (offenders, facilitators, victims, mules, travellers, crypto buyers). */
  readonly labels: readonly PlantedLabel[];
  /** The persona of every legitimate payer and of the legitimate high fan-in receivers. */
  readonly legitimate: readonly LegitimateLabel[];
  /** Planted accounts per kind. */
  readonly plantedCounts: Readonly<Record<PlantedKind, number>>;
  /** The effective window: [start, end) as ISO instants. */
  readonly window: { readonly start: string; readonly end: string; readonly days: number };
  /** The scaled planted counts the population was drawn with. */
  readonly counts: PlantedCounts;
  /** Every account id the scenario allocated (payers, payees, organisations). */
  readonly accountCount: number;
  /** The profile it was generated with. */
  readonly profile: SimulationProfileName;
}

/**
 * Generates a deterministic synthetic payments scenario for measuring the OCSE rule pack: a
 * population of legitimate customers made deliberately hard to tell apart (family remittances on
 * the same corridors, night-shift senders, tuition, new migrants, partners abroad, sibling groups,
 * tourists, donors, online buyers) with planted offenders, facilitators, sextortion victims, mules,
 * travellers and crypto buyers whose parameters follow `notes/ocse-financial-indicators.md` and
 * vary per account. Nothing real: fake names, plain references, no explicit terms.
 *
 * The population is drawn up front (small); payments are generated lazily per account and
 * merged by time, so memory stays bounded whatever the number of days. Transaction ids are
 * `sim-<seed>-<sequence>`, so scenarios with different seeds can be ingested side by side.
 *
 * Throws `RangeError` on options out of range (accounts < 1, days < 1, bad start, mix or profile).
 *
 * @example
 * const { payments, labels } = simulatePayments({ seed: 7, accounts: 2000, days: 30 });
 * for (const payment of payments) write(payment);
 */
export function simulatePayments(options: SimulationOptions): Simulation {
  if (!Number.isSafeInteger(options.seed)) throw new RangeError('seed must be a safe integer');
  if (!Number.isSafeInteger(options.accounts) || options.accounts < 1) throw new RangeError('accounts must be ≥ 1');
  if (!Number.isSafeInteger(options.days) || options.days < 1) throw new RangeError('days must be ≥ 1');
  const start = windowStart(options.start ?? defaultSimulationStart);
  const end = start + options.days * dayMs;
  const mix: ScenarioMix = { ...defaultScenarioMix, ...options.mix };
  const profileName = options.profile ?? defaultSimulationProfile;
  if (!(simulationProfileNames as readonly string[]).includes(profileName)) {
    throw new RangeError(`profile must be one of ${simulationProfileNames.join(', ')}`);
  }
  const profile = simulationProfiles[profileName];
  const population = drawPopulation({
    seed: options.seed,
    accounts: options.accounts,
    days: options.days,
    start,
    mix,
    profile,
  });
  const plantedCounts = Object.fromEntries(
    (['offender', 'facilitator', 'sextortion_victim', 'mule', 'travel_to_offend', 'crypto_exposure'] as const).map(
      (kind) => [kind, population.planted.filter((label) => label.kind === kind).length],
    ),
  ) as Record<PlantedKind, number>;
  const seed = options.seed;
  const generate = () =>
    mergeDrafts({
      sources: population.sources.map((source) => source()),
      reactors: new Map(population.reactors.map((reactor) => [reactor.account, reactor.make()])),
      windowStart: start,
      windowEnd: end,
      idOf: (sequence) => `sim-${seed}-${sequence}`,
    });
  return {
    payments: {
      [Symbol.iterator]: profile.fields === 'plain-bank' ? () => mapRecords(generate(), plainBankRecord) : generate,
    },
    labels: population.planted,
    legitimate: population.legitimate,
    plantedCounts,
    window: { start: new Date(start).toISOString(), end: new Date(end).toISOString(), days: options.days },
    counts: population.counts,
    accountCount: population.accountCount,
    profile: profileName,
  };
}

function* mapRecords(records: Iterator<PaymentRecord>, map: (record: PaymentRecord) => PaymentRecord) {
  for (let next = records.next(); next.done !== true; next = records.next()) yield map(next.value);
}

/** The UTC midnight of the date of `value` (an ISO date or date-time). */
function windowStart(value: string): number {
  const parsed = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(parsed)) throw new RangeError(`start is not an ISO date: ${value}`);
  return Math.floor(parsed / dayMs) * dayMs;
}
