/**
 * The ground truth a scenario writes beside its payments, one object per labelled account.
 * Planted accounts carry the OCSE typology they were generated from; legitimate accounts carry
 * the persona that generated them (`typology: null`), so an evaluation can say which kind of
 * honest customer a rule flags. An account absent from the labels is an ordinary legitimate
 * account (payees such as utilities and merchants).
 *
 * Kind, typology and persona strings are storage keys for evaluation files: never rename one.
 */

/** What a planted account is. */
export type PlantedKind =
  | 'offender'
  | 'facilitator'
  | 'sextortion_victim'
  | 'mule'
  | 'travel_to_offend'
  | 'crypto_exposure';

/** The typology (notes T1–T6) a planted account was generated from. */
export type PlantedTypology =
  | 'ocse_livestream_payer'
  | 'ocse_facilitator'
  | 'sextortion_victim'
  | 'sextortion_mule'
  | 'ocse_travel_to_offend'
  | 'ocse_crypto_purchase';

/** The typology of each planted kind. */
export const typologyOfKind: Readonly<Record<PlantedKind, PlantedTypology>> = {
  offender: 'ocse_livestream_payer',
  facilitator: 'ocse_facilitator',
  sextortion_victim: 'sextortion_victim',
  mule: 'sextortion_mule',
  travel_to_offend: 'ocse_travel_to_offend',
  crypto_exposure: 'ocse_crypto_purchase',
};

/**
 * One planted account. `indicators` lists the indicator ids (F01–F17 of the notes) the generator
 * deliberately gave this account — not every planted account gets every indicator, so recall can
 * be read per indicator. `variant` names the account's sub-shape (e.g. `pays_mule`, `cash_out`).
 */
export interface PlantedLabel {
  readonly account: string;
  readonly kind: PlantedKind;
  readonly typology: PlantedTypology;
  readonly indicators: readonly string[];
  readonly variant?: string;
}

/** The legitimate behaviours, chosen to look like planted ones (the false-positive pool). */
export type LegitimatePersona =
  | 'domestic_only'
  | 'family_remittance'
  | 'night_shift_family'
  | 'student_fees'
  | 'new_migrant'
  | 'partner_support'
  | 'sibling_group'
  | 'tourist'
  | 'crypto_investor'
  | 'young_p2p'
  | 'charity_donor'
  | 'shop_buyer'
  | 'employer'
  | 'charity_receiver'
  | 'small_shop_receiver'
  | 'sibling_group_receiver'
  | 'school_receiver';

/** One legitimate account with the persona that generated it. */
export interface LegitimateLabel {
  readonly account: string;
  readonly kind: 'legitimate';
  readonly persona: LegitimatePersona;
  readonly typology: null;
}

/** One line of a label file. */
export type ScenarioLabel = PlantedLabel | LegitimateLabel;
