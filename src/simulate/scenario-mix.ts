import type { PlantedKind } from './labels.js';

/**
 * How many accounts of each planted kind a scenario holds, per 10,000 payer accounts. Scaled to
 * the run's size and rounded; a non-zero rate always gives at least one account, so small runs
 * still contain every kind.
 */
export interface ScenarioMix {
  /** T1 payers (notes F01–F08, F11). */
  readonly offenders: number;
  /** T2 receivers abroad; each gets at least five offenders as senders. */
  readonly facilitators: number;
  /** T5 victims paying a new payee abroad directly (each mule brings 5–7 more victims of its own). */
  readonly sextortionVictims: number;
  /** T6 pass-through accounts. */
  readonly mules: number;
  /** T3 travellers. */
  readonly travelToOffend: number;
  /** T4 crypto buyers with tagged receiving addresses. */
  readonly cryptoExposure: number;
}

/** The default mix (per 10,000 payer accounts), about 1.2% planted. */
export const defaultScenarioMix: ScenarioMix = {
  offenders: 60,
  facilitators: 10,
  sextortionVictims: 20,
  mules: 8,
  travelToOffend: 10,
  cryptoExposure: 8,
};

/** Planted account counts for one run. */
export interface PlantedCounts {
  readonly offenders: number;
  readonly facilitators: number;
  readonly sextortionVictims: number;
  /** Each mule also brings 5–7 victims of its own, decided when the population is drawn. */
  readonly mules: number;
  readonly travelToOffend: number;
  readonly cryptoExposure: number;
}

/** Minimum offenders when there is any facilitator: a facilitator needs five distinct senders. */
export const minimumOffendersWithFacilitators = 5;

/**
 * Scales `mix` (per 10,000) to `accounts` payer accounts. Rates must be finite and ≥ 0.
 * Offenders are raised to five when facilitators exist (F13 needs five senders).
 */
export function plantedCounts(accounts: number, mix: ScenarioMix): PlantedCounts {
  const scale = (rate: number) => {
    if (!Number.isFinite(rate) || rate < 0) throw new RangeError(`mix rates must be ≥ 0, got ${rate}`);
    return rate === 0 ? 0 : Math.max(1, Math.round((rate * accounts) / 10_000));
  };
  const facilitators = scale(mix.facilitators);
  const offenders = Math.max(scale(mix.offenders), facilitators > 0 ? minimumOffendersWithFacilitators : 0);
  return {
    offenders,
    facilitators,
    sextortionVictims: scale(mix.sextortionVictims),
    mules: scale(mix.mules),
    travelToOffend: scale(mix.travelToOffend),
    cryptoExposure: scale(mix.cryptoExposure),
  };
}

/** The planted kinds in label-file order. */
export const plantedKinds: readonly PlantedKind[] = [
  'offender',
  'facilitator',
  'sextortion_victim',
  'mule',
  'travel_to_offend',
  'crypto_exposure',
];
