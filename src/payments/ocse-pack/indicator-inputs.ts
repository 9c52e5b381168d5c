import { ocseTypology } from './ocse-typologies.js';

/**
 * The payment fields the pack reads, by their `PaymentRecord` path, plus `amountUsd`: the amount
 * has a USD rate (its currency is in `usd_rates`), which every amount band needs. The required
 * parts of a record (id, time, accounts, amount, currency) are always there and not listed.
 */
export const profileFields = [
  'payer.country',
  'payee.country',
  'amountUsd',
  'payer.type',
  'payee.type',
  'payer.birthDate',
  'payer.birthCountry',
  'localHour',
  'remittanceInfo',
  'purpose',
  'categoryPurpose',
  'localInstrument',
  'serviceLevel',
  'instructionCodes',
  'payer.agentBic',
  'payee.agentBic',
  'channel',
  'declaredRelationship',
  'merchantCategory',
  'cryptoRiskTags',
  'fundingInstrument',
  'payeeDocument',
  'payer.name',
  'payee.name',
] as const;

export type ProfileField = (typeof profileFields)[number];

/** A need of an indicator: at least one of `anyOf` must be present in the input. */
export interface FieldNeed {
  readonly anyOf: readonly ProfileField[];
}

/** An optional input of an indicator and what the indicator does when it is absent. */
export interface AbsentField {
  readonly field: ProfileField;
  readonly whenAbsent: string;
}

/** What one of the pack's rules reads, what it does without it, and the points it gives. */
export interface IndicatorInputs {
  readonly ruleId: string;
  /** The note's key, e.g. `F02`. */
  readonly indicator: string;
  /** Without any of these the rule cannot fire on the input. */
  readonly needs: readonly FieldNeed[];
  /** Read when present; the rule still works without them, as stated. */
  readonly optional: readonly AbsentField[];
  /** Something no payment file carries that the rule also needs (an analyst's label, a setting). */
  readonly alsoNeeds?: 'analyst_confirmation' | 'private_keywords' | 'enabled_by_operator';
  /** Default points per typology name (the rule's default configuration); negative for a mitigation. */
  readonly points: Readonly<Record<string, number>>;
}

const t1 = ocseTypology.livestreamPayer;
const t2 = ocseTypology.facilitator;
const need = (...anyOf: ProfileField[]): FieldNeed => ({ anyOf });
/** The fields an F01 payment needs (payer and payee countries, an amount with a USD rate). */
const f01Needs: readonly FieldNeed[] = [need('payer.country'), need('payee.country'), need('amountUsd')];
const f01Optional: readonly AbsentField[] = [
  { field: 'payee.type', whenAbsent: 'possibly a person (only a known organisation, OrgId or BIC-only, is excluded)' },
  { field: 'payer.type', whenAbsent: 'possibly a person (only a known organisation is excluded)' },
  {
    field: 'channel',
    whenAbsent: 'inferred where other fields imply one, else a credit transfer (not card, ATM or crypto)',
  },
];
const relationshipNeed = need('declaredRelationship');
const birthCountryOptional: AbsentField = {
  field: 'payer.birthCountry',
  whenAbsent: 'no birth link is known; a declared non-family relationship still counts',
};

/**
 * Per rule of the pack: the fields it needs, the fields it reads when present and what it does
 * without them, and its default points. The source of `profilePayments` and of the missing-data
 * table in docs/packs/ocse-payments.md; a test checks it lists every rule and its points.
 */
export const indicatorInputs: readonly IndicatorInputs[] = [
  {
    ruleId: 'ocse_f01_small_corridor_payment',
    indicator: 'F01',
    needs: f01Needs,
    optional: f01Optional,
    points: { [t1]: 10 },
  },
  {
    ruleId: 'ocse_f02_frequent_small_payments',
    indicator: 'F02',
    needs: f01Needs,
    optional: f01Optional,
    points: { [t1]: 15 },
  },
  {
    ruleId: 'ocse_f03_no_apparent_link',
    indicator: 'F03',
    needs: f01Needs,
    optional: [
      {
        field: 'declaredRelationship',
        whenAbsent:
          "inferred from behaviour, and the reason says so: no birth link, no shared surname, not a trip's spending, and payments to the payee (or, too few to it, to all corridor payees) at irregular intervals or in dispersed amounts (3+ payments over 4+ days)",
      },
      birthCountryOptional,
      { field: 'payer.name', whenAbsent: 'no surname link is known (the inference is not withheld)' },
      { field: 'payee.name', whenAbsent: 'no surname link is known (the inference is not withheld)' },
      {
        field: 'localHour',
        whenAbsent:
          "a payment made on a trip (another UTC offset than the payer's domestic payments) is not told apart",
      },
    ],
    points: { [t1]: 15 },
  },
  {
    ruleId: 'ocse_m01_regular_support',
    indicator: 'M01',
    needs: f01Needs,
    optional: f01Optional,
    points: { [t1]: -20 },
  },
  {
    ruleId: 'ocse_f18_irregular_timing',
    indicator: 'F18',
    needs: f01Needs,
    optional: f01Optional,
    points: { [t1]: 10 },
  },
  {
    ruleId: 'ocse_f19_dispersed_amounts',
    indicator: 'F19',
    needs: f01Needs,
    optional: f01Optional,
    points: { [t1]: 10 },
  },
  {
    ruleId: 'ocse_f04_night_payments',
    indicator: 'F04',
    needs: f01Needs,
    optional: [
      ...f01Optional,
      {
        field: 'localHour',
        whenAbsent: 'the night-share test cannot be made; the burst test (3 F01 payments within 2 hours) still can',
      },
    ],
    points: { [t1]: 10 },
  },
  {
    ruleId: 'ocse_f05_cover_story_reference',
    indicator: 'F05',
    needs: [...f01Needs, relationshipNeed],
    optional: [
      {
        field: 'remittanceInfo',
        whenAbsent: 'read as an empty reference (the note counts empty among cover-story categories)',
      },
    ],
    points: { [t1]: 10 },
  },
  {
    ruleId: 'ocse_f05_fiu_keyword',
    indicator: 'F05 (C8)',
    needs: [need('remittanceInfo')],
    optional: [],
    alsoNeeds: 'private_keywords',
    points: { [t1]: 20 },
  },
  { ruleId: 'ocse_f06_escalation', indicator: 'F06', needs: f01Needs, optional: f01Optional, points: { [t1]: 10 } },
  {
    ruleId: 'ocse_f07_round_amounts',
    indicator: 'F07',
    needs: f01Needs,
    optional: f01Optional,
    points: { [t1]: 10 },
  },
  {
    ruleId: 'ocse_f08_related_purchases',
    indicator: 'F08',
    needs: [need('merchantCategory'), ...f01Needs],
    optional: [],
    points: { [t1]: 10, [ocseTypology.cryptoPurchase]: 10 },
  },
  {
    ruleId: 'ocse_f09_travel_pattern',
    indicator: 'F09',
    needs: [need('channel', 'merchantCategory'), ...f01Needs, relationshipNeed],
    optional: [birthCountryOptional],
    points: { [ocseTypology.travelToOffend]: 40, [t1]: 10 },
  },
  {
    ruleId: 'ocse_f10_payer_profile',
    indicator: 'F10',
    needs: [need('payer.birthDate'), ...f01Needs],
    optional: [],
    alsoNeeds: 'enabled_by_operator',
    points: { [t1]: 5 },
  },
  {
    ruleId: 'ocse_f11_channel_evasion',
    indicator: 'F11',
    needs: [need('fundingInstrument', 'channel'), ...f01Needs],
    optional: [],
    points: { [t1]: 10, [ocseTypology.cryptoPurchase]: 10 },
  },
  {
    ruleId: 'ocse_f12_crypto_exposure',
    indicator: 'F12',
    needs: [need('cryptoRiskTags')],
    optional: [],
    points: { [ocseTypology.cryptoPurchase]: 60, [t1]: 20 },
  },
  {
    ruleId: 'ocse_f13_many_unrelated_senders',
    indicator: 'F13',
    needs: f01Needs,
    optional: [
      { field: 'payee.type', whenAbsent: 'possibly a person (only a known organisation is excluded)' },
      {
        field: 'declaredRelationship',
        whenAbsent:
          'the unrelated share is taken over senders with a known link; with none known it is left out (fan-in alone)',
      },
    ],
    points: { [t2]: 30, [t1]: 10 },
  },
  {
    ruleId: 'ocse_f13_fan_in_payee_payment',
    indicator: 'F13 membership',
    needs: f01Needs,
    optional: f01Optional,
    points: { [t1]: 10 },
  },
  {
    ruleId: 'ocse_f14_confirmed_payer_payee',
    indicator: 'F14',
    needs: [],
    optional: [],
    alsoNeeds: 'analyst_confirmation',
    points: { [t2]: 20 },
  },
  {
    ruleId: 'ocse_f14_shared_payee_network',
    indicator: 'F14',
    needs: [],
    optional: [],
    alsoNeeds: 'analyst_confirmation',
    points: { [t1]: 15 },
  },
  {
    ruleId: 'ocse_f14_suspected_payer',
    indicator: 'F14',
    needs: [...f01Needs, relationshipNeed],
    optional: [birthCountryOptional],
    points: {},
  },
  {
    ruleId: 'ocse_f14_suspected_payer_payee',
    indicator: 'F14',
    needs: [...f01Needs, relationshipNeed],
    optional: [],
    points: { [t2]: 20 },
  },
  {
    ruleId: 'ocse_f15_receiver_cash_out',
    indicator: 'F15',
    needs: [need('channel', 'payeeDocument'), need('amountUsd')],
    optional: [],
    points: { [t2]: 20 },
  },
  {
    ruleId: 'ocse_f15_shared_pickup_document',
    indicator: 'F15',
    needs: [need('payeeDocument'), need('payee.name')],
    optional: [],
    points: { [t2]: 20 },
  },
  {
    ruleId: 'sextortion_f16_victim_payment_burst',
    indicator: 'F16',
    needs: [
      need('payer.birthDate'),
      need('amountUsd'),
      need('channel', 'payer.country'),
      need('channel', 'payee.country'),
    ],
    optional: [
      {
        field: 'channel',
        whenAbsent:
          'counts payments to a possible person (at home or abroad; only a known organisation is excluded), instead of gift card, P2P, crypto or online MTO',
      },
      { field: 'payee.type', whenAbsent: 'possibly a person (only a known organisation is excluded)' },
    ],
    points: { [ocseTypology.sextortionVictim]: 50 },
  },
  {
    ruleId: 'sextortion_f17_money_mule',
    indicator: 'F17',
    needs: [
      need('payer.birthDate'),
      need('amountUsd'),
      need('payer.country', 'channel'),
      need('payee.country', 'channel'),
    ],
    optional: [{ field: 'channel', whenAbsent: 'only onward payments abroad count (crypto needs the channel)' }],
    points: { [ocseTypology.sextortionMule]: 50 },
  },
];
