import type { EngineEvent } from '../../events/index.js';
import type { FeatureDefinition } from '../../features/index.js';
import { payerUtcOffset } from './payer-offset.js';
import type { PaymentFacts } from './payment-facts.js';
import { rhythmBucket, rhythmPeriods } from './support-rhythm.js';

const payment = ['payment.sent'];
const dayMs = 86_400_000;

/**
 * The names of the pack's features (storage keys; never rename). Payer-side features are kept
 * per `payment_account` as payer; receiver-side ones per the same account as payee and, where
 * an indicator fires when that account pays onwards (F15 cash-out, F17 pass-through), read for
 * it as payer (`readRole`).
 */
export const ocseFeature = {
  f01Count7d: 'ocse_f01_count_7d',
  f01Count30d: 'ocse_f01_count_30d',
  f01Count90d: 'ocse_f01_count_90d',
  f01Count120d: 'ocse_f01_count_120d',
  f01Usd30d: 'ocse_f01_usd_30d',
  f01Usd120d: 'ocse_f01_usd_120d',
  f01Payees90d: 'ocse_f01_payees_90d',
  f01Payees7d: 'ocse_f01_payees_7d',
  f01Night90d: 'ocse_f01_night_90d',
  f01Round90d: 'ocse_f01_round_90d',
  f01Cover90d: 'ocse_f01_cover_90d',
  f01Unrelated90d: 'ocse_f01_unrelated_90d',
  f01Unrelated365d: 'ocse_f01_unrelated_365d',
  /** F01 payments whose link is known (declared, or a birth link): F03's declared share is over these. */
  f01KnownLink90d: 'ocse_f01_known_link_90d',
  f01Burst2h: 'ocse_f01_count_2h',
  corridorFirstSeen: 'ocse_corridor_first_seen',
  riskyMerchant90d: 'ocse_risky_merchant_90d',
  fundingInstruments30d: 'ocse_funding_instruments_30d',
  corridorSpendDays365d: 'ocse_corridor_spend_days_365d',
  corridorAtm365d: 'ocse_corridor_atm_365d',
  spendUsd90d: 'ocse_spend_usd_90d',
  youngAbroadCount48h: 'ocse_young_abroad_count_48h',
  youngVictimUsd48h: 'ocse_young_victim_usd_48h',
  youngVictimMinUsd48h: 'ocse_young_victim_min_usd_48h',
  relationshipFirstSeen: 'ocse_relationship_first_seen',
  relationshipVictimCount48h: 'ocse_relationship_victim_count_48h',
  outflowAbroadUsd48h: 'ocse_outflow_abroad_usd_48h',
  cashOutUsd24h: 'ocse_cash_out_usd_24h',
  payeeSmallSenders90d: 'ocse_payee_small_senders_90d',
  payeeUnrelatedSenders90d: 'ocse_payee_unrelated_senders_90d',
  /** Senders whose link to the payee is known (declared, or a birth link): F13's share is over these. */
  payeeKnownLinkSenders90d: 'ocse_payee_known_link_senders_90d',
  payeeSenderCountries90d: 'ocse_payee_sender_countries_90d',
  payeeSmallUsd90d: 'ocse_payee_small_usd_90d',
  payeeSmallCount90d: 'ocse_payee_small_count_90d',
  payeeFirstSeen: 'ocse_payee_first_seen',
  receivedUsd24h: 'ocse_received_usd_24h',
  receivedUsd48h: 'ocse_received_usd_48h',
  youngSenders7d: 'ocse_young_senders_7d',
  documentNames90d: 'ocse_document_names_90d',
  /** The lowest and highest UTC offset of the payer's domestic payments (`payerUtcOffset`): home. */
  homeOffsetMin365d: 'ocse_home_offset_min_365d',
  homeOffsetMax365d: 'ocse_home_offset_max_365d',
} as const;

/** The names of one scope's rhythm features (see `RelationshipHistory`), over F01 payments in 90 days. */
export interface RhythmFeatureNames {
  readonly count: string;
  readonly firstMs: string;
  readonly lastMs: string;
  /** `[aligned, shifted]` distinct bucket counts per period, in `rhythmPeriods` order. */
  readonly buckets: readonly (readonly [string, string])[];
  readonly usd: string;
  readonly usdSquares: string;
}

function rhythmNames(prefix: string, count: string): RhythmFeatureNames {
  return {
    count,
    firstMs: `${prefix}_first_ms_90d`,
    lastMs: `${prefix}_last_ms_90d`,
    buckets: rhythmPeriods.map(
      (period) => [`${prefix}_${period.name}_buckets_90d`, `${prefix}_${period.name}_buckets_shifted_90d`] as const,
    ),
    usd: `${prefix}_usd_90d`,
    usdSquares: `${prefix}_usd_squares_90d`,
  };
}

/**
 * The rhythm features (storage keys; never rename): per payer→payee relationship, and per payer
 * over all its F01 payments (the corridor as a whole, for payers who spread payments over payees).
 */
export const rhythmFeature = {
  relationship: rhythmNames('ocse_relationship_f01', 'ocse_relationship_f01_count_90d'),
  payer: rhythmNames('ocse_f01', ocseFeature.f01Count90d),
} as const;

/**
 * The feature definitions, filtered and valued through `facts` (computed once per event).
 * `payee` features use the `payee_account` role with entity type `payment_account`.
 */
export function ocseFeatures(facts: (event: EngineEvent) => PaymentFacts): FeatureDefinition[] {
  const when = (test: (value: PaymentFacts) => boolean) => (event: EngineEvent) => test(facts(event));
  const usd = (event: EngineEvent) => facts(event).amountUsd;
  const time = (event: EngineEvent) => event.timeMs;
  const offset = (event: EngineEvent) => payerUtcOffset(event);
  const domesticWithHour = (event: EngineEvent) =>
    typeof event.data.local_hour === 'number' && !facts(event).crossBorder && event.data.payer_country !== undefined;
  const payer = (
    name: string,
    aggregate: FeatureDefinition['aggregate'],
    window: string | undefined,
    filter: ((event: EngineEvent) => boolean) | undefined,
    extra: Partial<FeatureDefinition> = {},
  ): FeatureDefinition => ({
    name,
    entity: 'payment_account',
    eventTypes: payment,
    aggregate,
    ...(window === undefined ? {} : { window }),
    ...(filter === undefined ? {} : { filter }),
    ...extra,
  });
  const payee = (
    name: string,
    aggregate: FeatureDefinition['aggregate'],
    window: string | undefined,
    filter: ((event: EngineEvent) => boolean) | undefined,
    extra: Partial<FeatureDefinition> = {},
  ): FeatureDefinition => ({
    ...payer(name, aggregate, window, filter, extra),
    entity: 'payee_account',
    entityType: 'payment_account',
  });
  const relationship = (
    name: string,
    aggregate: FeatureDefinition['aggregate'],
    window: string | undefined,
    filter: ((event: EngineEvent) => boolean) | undefined,
    extra: Partial<FeatureDefinition> = {},
  ): FeatureDefinition => ({ ...payer(name, aggregate, window, filter, extra), entity: 'payment_relationship' });
  const f01 = when((value) => value.f01);
  const smallCrossBorderToPerson = (value: PaymentFacts) => value.smallToPersonAbroad;
  const f = ocseFeature;
  /** One scope's rhythm features; `withCount` when the scope has no F01 count feature yet. */
  const rhythmFeatures = (names: RhythmFeatureNames, scope: typeof payer, withCount: boolean): FeatureDefinition[] => [
    ...(withCount ? [scope(names.count, 'count', '90d', f01)] : []),
    scope(names.firstMs, 'min', '90d', f01, { value: time }),
    scope(names.lastMs, 'max', '90d', f01, { value: time }),
    ...rhythmPeriods.flatMap((period, index) =>
      [false, true].map((shifted) =>
        scope((names.buckets[index] as readonly [string, string])[shifted ? 1 : 0], 'distinct', '90d', f01, {
          value: (event: EngineEvent) => rhythmBucket(event.timeMs, period.days, shifted),
        }),
      ),
    ),
    scope(names.usd, 'sum', '90d', f01, { value: usd }),
    scope(names.usdSquares, 'sum', '90d', f01, { value: (event: EngineEvent) => (facts(event).amountUsd ?? 0) ** 2 }),
  ];
  return [
    payer(f.f01Count7d, 'count', '7d', f01),
    payer(f.f01Count30d, 'count', '30d', f01),
    payer(f.f01Count90d, 'count', '90d', f01),
    payer(f.f01Count120d, 'count', '120d', f01),
    payer(f.f01Usd30d, 'sum', '30d', f01, { value: usd }),
    payer(f.f01Usd120d, 'sum', '120d', f01, { value: usd }),
    payer(f.f01Payees90d, 'distinct', '90d', f01, { field: 'entities.payee_account' }),
    payer(f.f01Payees7d, 'distinct', '7d', f01, { field: 'entities.payee_account' }),
    payer(
      f.f01Night90d,
      'count',
      '90d',
      when((value) => value.f01 && value.night),
    ),
    payer(
      f.f01Round90d,
      'count',
      '90d',
      when((value) => value.f01 && value.round),
    ),
    payer(
      f.f01Cover90d,
      'count',
      '90d',
      when((value) => value.f01 && value.reference !== 'other'),
    ),
    payer(
      f.f01Unrelated90d,
      'count',
      '90d',
      when((value) => value.f01 && value.unrelated),
    ),
    payer(
      f.f01KnownLink90d,
      'count',
      '90d',
      when((value) => value.f01 && value.link !== 'unknown'),
    ),
    payer(
      f.f01Unrelated365d,
      'count',
      '365d',
      when((value) => value.f01 && value.unrelated),
    ),
    payer(f.f01Burst2h, 'count', '2h', f01),
    payer(
      f.corridorFirstSeen,
      'first_seen',
      undefined,
      when((value) => value.highRiskCorridor),
    ),
    payer(
      f.riskyMerchant90d,
      'count',
      '90d',
      when((value) => value.riskyMerchant),
    ),
    payer(f.fundingInstruments30d, 'distinct', '30d', f01, { field: 'data.funding_instrument' }),
    payer(
      f.corridorSpendDays365d,
      'distinct',
      '365d',
      when((value) => value.spendInCorridorAbroad),
      {
        value: (event: EngineEvent) => Math.floor(event.timeMs / dayMs),
      },
    ),
    payer(
      f.corridorAtm365d,
      'count',
      '365d',
      when((value) => value.atmInCorridorAbroad),
    ),
    payer(f.spendUsd90d, 'sum', '90d', undefined, { value: usd }),
    payer(f.homeOffsetMin365d, 'min', '365d', domesticWithHour, { value: offset }),
    payer(f.homeOffsetMax365d, 'max', '365d', domesticWithHour, { value: offset }),
    payer(
      f.youngAbroadCount48h,
      'count',
      '48h',
      when((value) => value.youngVictimPaymentAbroad),
    ),
    payer(
      f.youngVictimUsd48h,
      'sum',
      '48h',
      when((value) => value.youngVictimPayment),
      { value: usd },
    ),
    payer(
      f.youngVictimMinUsd48h,
      'min',
      '48h',
      when((value) => value.youngVictimPayment),
      { value: usd },
    ),
    relationship(f.relationshipFirstSeen, 'first_seen', undefined, undefined),
    ...rhythmFeatures(rhythmFeature.relationship, relationship, true),
    ...rhythmFeatures(rhythmFeature.payer, payer, false),
    relationship(
      f.relationshipVictimCount48h,
      'count',
      '48h',
      when((value) => value.youngVictimPayment),
    ),
    payer(
      f.outflowAbroadUsd48h,
      'sum',
      '48h',
      when((value) => value.crossBorder || value.channel === 'crypto'),
      { value: usd },
    ),
    payer(
      f.cashOutUsd24h,
      'sum',
      '24h',
      when((value) => value.cashOut),
      { value: usd },
    ),
    payee(f.payeeSmallSenders90d, 'distinct', '90d', when(smallCrossBorderToPerson), {
      field: 'entities.payment_account',
    }),
    payee(
      f.payeeUnrelatedSenders90d,
      'distinct',
      '90d',
      when((value) => smallCrossBorderToPerson(value) && value.unrelated),
      { field: 'entities.payment_account' },
    ),
    payee(
      f.payeeKnownLinkSenders90d,
      'distinct',
      '90d',
      when((value) => smallCrossBorderToPerson(value) && value.link !== 'unknown'),
      { field: 'entities.payment_account' },
    ),
    payee(f.payeeSenderCountries90d, 'distinct', '90d', when(smallCrossBorderToPerson), {
      field: 'data.payer_country',
    }),
    payee(f.payeeSmallUsd90d, 'sum', '90d', when(smallCrossBorderToPerson), { value: usd }),
    payee(f.payeeSmallCount90d, 'count', '90d', when(smallCrossBorderToPerson)),
    payee(f.payeeFirstSeen, 'first_seen', undefined, undefined),
    payee(f.receivedUsd24h, 'sum', '24h', undefined, { value: usd, readRole: 'payment_account' }),
    payee(f.receivedUsd48h, 'sum', '48h', undefined, { value: usd, readRole: 'payment_account' }),
    payee(
      f.youngSenders7d,
      'distinct',
      '7d',
      when((value) => value.young),
      {
        field: 'entities.payment_account',
        readRole: 'payment_account',
      },
    ),
    {
      name: f.documentNames90d,
      entity: 'payee_document',
      eventTypes: payment,
      aggregate: 'distinct',
      window: '90d',
      field: 'data.payee_name',
    },
  ];
}
