import type { RegimeFlags } from './report-case.js';

/** A regime a case can fall under: the keys of `RegimeFlags`. */
export type Regime = keyof RegimeFlags;

/** Regimes in the order their key terms are written. */
export const regimes: readonly Regime[] = ['ocse', 'sextortion', 'humanTrafficking'];

/**
 * FinCEN key terms, which FinCEN asks filers to put in SAR field 2 ("Filing Institution Note to
 * FinCEN") and in the narrative so its analysts can find the reports:
 *
 * - `OCSE-FIN-2021-NTC3`: online child sexual exploitation (notice FIN-2021-NTC3);
 * - `FIN-2025-SEXTORTION`: financially motivated sextortion (notice FIN-2025-NTC2);
 * - `HUMAN TRAFFICKING FIN-2020-A008`: human trafficking (supplemental advisory FIN-2020-A008).
 *   Taken from a secondary summary and not yet re-read in the advisory: verify before relying
 *   on it (see docs/reports.md).
 *
 * These strings are what FinCEN searches for: never reword one.
 */
export const fincenKeyTerms: Readonly<Record<Regime, string>> = {
  ocse: 'OCSE-FIN-2021-NTC3',
  sextortion: 'FIN-2025-SEXTORTION',
  humanTrafficking: 'HUMAN TRAFFICKING FIN-2020-A008',
};

/** The flagged regimes, in {@link regimes} order. */
export function flaggedRegimes(flags: RegimeFlags): Regime[] {
  return regimes.filter((regime) => flags[regime]);
}

/** The FinCEN key terms of every flagged regime, in {@link regimes} order. */
export function fincenKeyTermsFor(flags: RegimeFlags): string[] {
  return flaggedRegimes(flags).map((regime) => fincenKeyTerms[regime]);
}
