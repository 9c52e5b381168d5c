/**
 * The high-risk corridor list shared by the rule packs: receiving countries that public FIU
 * guidance repeatedly names for payments for live-streamed child sexual abuse. Data, not logic:
 * every entry names its sources (keys of the source table in `docs/packs/ocse-payments.md`), and
 * an operator replaces the list per pack (`packs.yaml`: `ocse_payments.settings.corridors`,
 * `livestream_sessions.settings.corridors`) without a release.
 *
 * A country on this list is not evidence of anything on its own: these corridors also carry very
 * large legitimate family remittances (the OCSE note, F01 caveat). Packs use it only together
 * with other signals.
 *
 * Version 1 (2026-11). Left out on purpose: the United States (named by FINTRAC-20, but the
 * largest sending side per AMLC).
 */
export interface CorridorEntry {
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
  readonly sources: readonly string[];
}

export const corridorListVersion = 1;

export const defaultCorridors: readonly CorridorEntry[] = Object.freeze([
  { country: 'PH', sources: ['FINTRAC-20 top receiving', 'FINTRAC-25 most common destination', 'AMLC', 'IJM-SoH'] },
  { country: 'TH', sources: ['FINTRAC-20 top receiving', 'FINTRAC-25 most common destination'] },
  { country: 'CO', sources: ['FINTRAC-20 top receiving', 'FINTRAC-25 most common destination'] },
  { country: 'DO', sources: ['FINTRAC-20 top receiving', 'FINTRAC-25 most common destination'] },
  { country: 'MX', sources: ['FINTRAC-25 most common destination'] },
  { country: 'GH', sources: ['FINTRAC-20 top receiving'] },
  { country: 'UA', sources: ['FINTRAC-20 top receiving'] },
  { country: 'RO', sources: ['FINTRAC-20 top receiving'] },
  { country: 'JM', sources: ['FINTRAC-20 top receiving'] },
  { country: 'RU', sources: ['FINTRAC-20 top receiving'] },
  { country: 'IN', sources: ['FINTRAC-25 weaker victim-protection laws'] },
  { country: 'ZA', sources: ['FINTRAC-25 weaker victim-protection laws'] },
  { country: 'CU', sources: ['FINTRAC-25 weaker victim-protection laws'] },
  { country: 'KH', sources: ['AUSTRAC-CS South-East Asia (region, not country)'] },
  { country: 'VN', sources: ['AUSTRAC-CS South-East Asia (region, not country)'] },
  { country: 'ID', sources: ['AUSTRAC-CS South-East Asia (region, not country)'] },
]);

/** The default corridor countries, in the order above. */
export const defaultCorridorCountries: readonly string[] = Object.freeze(
  defaultCorridors.map((entry) => entry.country),
);
