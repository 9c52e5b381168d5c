/**
 * The default high-risk corridor list of the live-session pack: the countries where a host's
 * private session with a paying viewer from another country is a signal worth scoring. It is
 * data, not code: every entry names the sources that put it here, keys from the source table of
 * `notes/ocse-financial-indicators.md` (FINTRAC-20, FINTRAC-25, AUSTRAC-CS), and operators
 * replace the list through the pack options (`createLivestreamPack({ corridors })`).
 *
 * A country on this list is not evidence of anything on its own: the Philippines corridor alone
 * carries very large legitimate family remittances (note F01, caveat). The pack only uses it
 * together with session shape (private, one or two viewers) and a paying viewer from elsewhere.
 */
export interface HighRiskCorridor {
  /** ISO 3166-1 alpha-2, as `session.started.data.country` carries it. */
  readonly country: string;
  /** Source keys of `notes/ocse-financial-indicators.md` §1 and what each says about the country. */
  readonly sources: readonly string[];
}

/**
 * FINTRAC-20's top receiving jurisdictions and FINTRAC-25's most common destinations and weaker
 * victim-protection countries (both read through the OCSE note, F01; FINTRAC-25 is a secondary
 * summary there), plus three South-East Asian countries for AUSTRAC-CS's "remittances to
 * South-East Asia" (the case study names the region, not these countries).
 *
 * Left out on purpose: the United States (named by FINTRAC-20, but it is the largest sending
 * side per AMLC), Russia (FINTRAC-20) and Cuba (FINTRAC-25); add them if your data supports it.
 */
export const defaultHighRiskCorridors: readonly HighRiskCorridor[] = Object.freeze([
  { country: 'PH', sources: ['FINTRAC-20 top receiving', 'FINTRAC-25 most common destination'] },
  { country: 'TH', sources: ['FINTRAC-20 top receiving', 'FINTRAC-25 most common destination'] },
  { country: 'CO', sources: ['FINTRAC-20 top receiving', 'FINTRAC-25 most common destination'] },
  { country: 'DO', sources: ['FINTRAC-20 top receiving', 'FINTRAC-25 most common destination'] },
  { country: 'MX', sources: ['FINTRAC-25 most common destination'] },
  { country: 'GH', sources: ['FINTRAC-20 top receiving'] },
  { country: 'UA', sources: ['FINTRAC-20 top receiving'] },
  { country: 'RO', sources: ['FINTRAC-20 top receiving'] },
  { country: 'JM', sources: ['FINTRAC-20 top receiving'] },
  { country: 'IN', sources: ['FINTRAC-25 weaker victim-protection laws'] },
  { country: 'ZA', sources: ['FINTRAC-25 weaker victim-protection laws'] },
  { country: 'KH', sources: ['AUSTRAC-CS South-East Asia (region, not country)'] },
  { country: 'VN', sources: ['AUSTRAC-CS South-East Asia (region, not country)'] },
  { country: 'ID', sources: ['AUSTRAC-CS South-East Asia (region, not country)'] },
]);

/** The default corridor countries, in the order above. */
export const defaultCorridorCountries: readonly string[] = Object.freeze(
  defaultHighRiskCorridors.map((corridor) => corridor.country),
);
