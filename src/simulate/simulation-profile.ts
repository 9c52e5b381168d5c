import { type PayerPersona, personaShares } from './roles.js';

/**
 * The names of the simulator's profiles (`prevail simulate payments --profile`). Strings are
 * command-line values and evaluation-file keys: never rename one.
 */
export const simulationProfileNames = ['mto', 'plain-bank', 'hard'] as const;

export type SimulationProfileName = (typeof simulationProfileNames)[number];

/**
 * Which fields the written records carry: `mto` keeps everything a money-transfer operator with
 * Prevail's extension records; `plain-bank` keeps only what a bank's plain pacs.008 export has
 * (see `plainBankRecord`).
 */
export type RecordFields = 'mto' | 'plain-bank';

/** How many relatives a family persona supports. */
export interface FamilySizes {
  /** Family remitters: one relative with this probability, else a number in `several`. */
  readonly singleRelativeShare: number;
  readonly several: readonly [number, number];
  /** Night-shift family senders: a number of relatives in this range. */
  readonly nightShift: readonly [number, number];
  /** New migrants: relatives paid in their first weeks. */
  readonly newMigrant: readonly [number, number];
}

/**
 * What a profile changes about a scenario, in one place: the population mix, the behaviour
 * parameters that make legitimate senders harder to tell from offenders, and the fields the
 * records keep. Labels mean the same thing in every profile (an offender is an offender).
 */
export interface SimulationProfile {
  readonly name: SimulationProfileName;
  /** The fields the written records keep. */
  readonly fields: RecordFields;
  /** Shares of the legitimate payers in percent (`domestic_only` takes the remainder). */
  readonly personaShares: readonly (readonly [PayerPersona, number])[];
  readonly familySizes: FamilySizes;
  /** An offender's payments per 30 days before escalation, drawn in this range. */
  readonly offenderPaymentsPer30Days: readonly [number, number];
  /**
   * When true, family support (remittances, partners, siblings) goes out on paydays (the 15th
   * and the last day of each month, or the day after) and offenders pay on those same days.
   */
  readonly paydays: boolean;
}

/** Today's scenario: the rich fields of an MTO with Prevail's extension, the default behaviours. */
const mto: SimulationProfile = {
  name: 'mto',
  fields: 'mto',
  personaShares,
  familySizes: { singleRelativeShare: 0.7, several: [2, 4], nightShift: [1, 2], newMigrant: [3, 5] },
  offenderPaymentsPer30Days: [3, 12],
  paydays: false,
};

/** The `mto` population and behaviours, written as a bank's plain pacs.008 export would carry them. */
const plainBank: SimulationProfile = { ...mto, name: 'plain-bank', fields: 'plain-bank' };

/**
 * Harder to separate: three times the night-shift senders, twice the parents paying students
 * abroad, more family remitters with larger families, offenders paying 2–5 times a month instead
 * of 3–12, and everyone's transfers abroad on paydays. Rich fields, like `mto`.
 */
const hard: SimulationProfile = {
  name: 'hard',
  fields: 'mto',
  personaShares: personaShares.map(([persona, share]): readonly [PayerPersona, number] => {
    const harder: Partial<Record<PayerPersona, number>> = {
      domestic_only: 26,
      family_remittance: 22,
      night_shift_family: 15,
      student_fees: 10,
      new_migrant: 5,
    };
    return [persona, harder[persona] ?? share];
  }),
  familySizes: { singleRelativeShare: 0.3, several: [2, 6], nightShift: [1, 4], newMigrant: [4, 7] },
  offenderPaymentsPer30Days: [2, 5],
  paydays: true,
};

/** Every profile by name. */
export const simulationProfiles: Readonly<Record<SimulationProfileName, SimulationProfile>> = {
  mto,
  'plain-bank': plainBank,
  hard,
};

/** The profile a scenario uses when none is named: today's output, unchanged. */
export const defaultSimulationProfile: SimulationProfileName = 'mto';
