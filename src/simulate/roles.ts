import type { LegitimatePersona } from './labels.js';
import type { Random } from './random.js';
import type { PlantedCounts } from './scenario-mix.js';

/** The legitimate personas a payer account can have: all but the receivers'. */
export type PayerPersona = Exclude<
  LegitimatePersona,
  'employer' | 'charity_receiver' | 'small_shop_receiver' | 'sibling_group_receiver' | 'school_receiver'
>;

/** What a payer account is: a planted role or a legitimate persona. */
export type Role =
  | 'offender'
  | 'sextortion_victim'
  | 'mule'
  | 'mule_victim'
  | 'travel_to_offend'
  | 'crypto_exposure'
  | PayerPersona;

/**
 * Shares of the legitimate payers in the default (`mto`) profile, in percent. Half the population does nothing but domestic
 * spending; the rest is the false-positive pool: remittances on the OCSE corridors, night-shift
 * senders, tuition and rent abroad, new migrants with several relatives, partners abroad, sibling
 * groups, tourists, crypto investors, young people paying friends, donors and online buyers.
 */
export const personaShares: readonly (readonly [PayerPersona, number])[] = [
  ['domestic_only', 44],
  ['family_remittance', 18],
  ['night_shift_family', 5],
  ['student_fees', 5],
  ['new_migrant', 3],
  ['partner_support', 2.5],
  ['sibling_group', 1.2],
  ['tourist', 4],
  ['crypto_investor', 3],
  ['young_p2p', 8],
  ['charity_donor', 3],
  ['shop_buyer', 3.3],
];

/** Roles that are young (17–26): no rent or utilities, more P2P with friends. */
export const youngRoles: ReadonlySet<Role> = new Set<Role>(['young_p2p', 'sextortion_victim', 'mule_victim', 'mule']);

/** The age range of each role, in whole years at the window start. */
export function ageRange(role: Role): readonly [number, number] {
  switch (role) {
    case 'sextortion_victim':
    case 'mule_victim':
      // Account holders are 17–20: a younger victim would pay from a parent's co-signed account,
      // which these records cannot show (F16 reads `payerAge < 21`).
      return [17, 20];
    case 'young_p2p':
      return [17, 24];
    case 'mule':
      return [19, 26];
    case 'offender':
      return [28, 66];
    case 'travel_to_offend':
      return [35, 68];
    case 'crypto_exposure':
      return [20, 45];
    case 'student_fees':
      return [38, 60];
    case 'new_migrant':
      return [20, 45];
    case 'night_shift_family':
      return [22, 55];
    default:
      return [22, 75];
  }
}

/** The roles of `accounts` payers, shuffled, and each mule's number of victims. */
export interface RoleDraw {
  readonly roles: readonly Role[];
  readonly victimsPerMule: readonly number[];
}

/**
 * Draws every payer's role: the planted counts (each mule brings 5–7 victims paying it), then the
 * legitimate personas by `shares` (the profile's; sibling groups in fours; the remainder
 * domestic-only), in random positions. Throws when the planted accounts would exceed half the
 * population.
 */
export function drawRoles(
  random: Random,
  accounts: number,
  counts: PlantedCounts,
  shares: readonly (readonly [PayerPersona, number])[] = personaShares,
): RoleDraw {
  const victimsPerMule = Array.from({ length: counts.mules }, () => random.integer(5, 7));
  const planted: Role[] = [
    ...repeat<Role>('offender', counts.offenders),
    ...repeat<Role>('sextortion_victim', counts.sextortionVictims),
    ...repeat<Role>('mule', counts.mules),
    ...repeat<Role>(
      'mule_victim',
      victimsPerMule.reduce((sum, count) => sum + count, 0),
    ),
    ...repeat<Role>('travel_to_offend', counts.travelToOffend),
    ...repeat<Role>('crypto_exposure', counts.cryptoExposure),
  ];
  if (planted.length * 2 > accounts) {
    throw new RangeError(`${planted.length} planted accounts do not fit in ${accounts} accounts (at most half)`);
  }
  const legitimate = accounts - planted.length;
  const total = shares.reduce((sum, [, share]) => sum + share, 0);
  const personas: Role[] = [];
  for (const [persona, share] of shares) {
    if (persona === 'domestic_only') continue;
    let count = Math.floor((legitimate * share) / total);
    if (persona === 'sibling_group') count -= count % 4;
    personas.push(...repeat<Role>(persona, count));
  }
  personas.push(...repeat<Role>('domestic_only', legitimate - personas.length));
  return { roles: random.shuffle([...planted, ...personas]), victimsPerMule };
}

function repeat<T>(value: T, count: number): T[] {
  return Array.from({ length: count }, () => value);
}
