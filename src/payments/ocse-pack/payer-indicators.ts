import { z } from 'zod';
import type { EngineEvent } from '../../events/index.js';
import type { BuiltinRule, RuleEffect } from '../../rules/index.js';
import { defineIndicator } from './indicator-rule.js';
import { ocseFeature as f } from './ocse-features.js';
import { ocseTypology } from './ocse-typologies.js';
import type { PaymentFacts } from './payment-facts.js';
import { defaultRhythmLimits, relationshipRhythm, rhythmLimitsSchema } from './relationship-rhythm.js';
import { sharedSurname } from './shared-surname.js';
import { describeRhythm } from './support-rhythm.js';
import { defaultTripPayees7d, looksLikeTripSpending } from './trip-spending.js';

const dayMs = 86_400_000;
const points = z.number().positive().max(1000);
const count = z.number().int().min(1).max(10_000);
const share = z.number().min(0).max(1);

function payerPoints(typology: string, value: number): RuleEffect[] {
  return [{ kind: 'typology', typology, points: value }];
}

function percent(value: number): string {
  return `${Math.round(value * 100)}%`;
}

/**
 * The payer-side indicators F01–F12 of `ocse-financial-indicators.md` §3A. Each fires on the
 * `payment.sent` that makes it true and gives points to the typologies the note combines it into
 * (mostly T1 `ocse_livestream_payer`). Thresholds are the note's; bold-sourced ones cite their
 * guidance, the others are the note's proposed engine defaults.
 */
export function payerIndicators(facts: (event: EngineEvent) => PaymentFacts): BuiltinRule[] {
  const t1 = ocseTypology.livestreamPayer;
  return [
    defineIndicator(
      {
        id: 'ocse_f01_small_corridor_payment',
        version: 1,
        indicator: 'F01',
        description: 'Small cross-border person-to-person payment into a high-risk OCSE corridor',
        sources: ['AUSTRAC-24', 'AUSTRAC-CS', 'AUSTRAC-25', 'FINTRAC-20', 'FINTRAC-25', 'FATF-25', 'AMLC'],
        configSchema: z.strictObject({ points }),
        defaultConfig: { points: 10 },
        check: ({ facts: value, context }) =>
          value.f01
            ? `small payment (USD ${value.amountUsd?.toFixed(2)}) to a private person in ${String(context.event.data.payee_country)}, a high-risk corridor`
            : undefined,
        effects: (config) => payerPoints(t1, config.points),
      },
      facts,
    ),
    defineIndicator(
      {
        id: 'ocse_f02_frequent_small_payments',
        version: 1,
        indicator: 'F02',
        description: 'Frequent small corridor payments, to one or several receivers',
        sources: ['FINTRAC-20', 'AUSTRAC-CS', 'FATF-25'],
        configSchema: z.strictObject({ count_30d: count, count_7d: count, payees_90d: count, points }),
        defaultConfig: { count_30d: 4, count_7d: 3, payees_90d: 3, points: 15 },
        check: ({ facts: value, feature }, config) => {
          if (!value.f01) return undefined;
          const in30 = feature(f.f01Count30d);
          const in7 = feature(f.f01Count7d);
          const payees = feature(f.f01Payees90d);
          if (in30 >= config.count_30d)
            return `${in30} small corridor payments in 30 days (threshold ${config.count_30d})`;
          if (in7 >= config.count_7d) return `${in7} small corridor payments in 7 days (threshold ${config.count_7d})`;
          if (payees >= config.payees_90d)
            return `small corridor payments to ${payees} receivers in 90 days (threshold ${config.payees_90d})`;
          return undefined;
        },
        effects: (config) => payerPoints(t1, config.points),
      },
      facts,
    ),
    defineIndicator(
      {
        id: 'ocse_f03_no_apparent_link',
        version: 2,
        indicator: 'F03',
        description:
          'No apparent family, personal or business link to the receivers: declared, or inferred from behaviour when nothing is declared',
        sources: ['FINTRAC-20', 'FinCEN-25', 'EGMONT-20'],
        configSchema: z.strictObject({
          unrelated_share_90d: share,
          established_days: count,
          points,
          inferred: z.boolean(),
          trip_payees_7d: count,
          ...rhythmLimitsSchema,
        }),
        defaultConfig: {
          unrelated_share_90d: 0.5,
          established_days: 180,
          points: 15,
          inferred: true,
          trip_payees_7d: defaultTripPayees7d,
          ...defaultRhythmLimits,
        },
        check: (input, config) => {
          const { facts: value, feature, featureOrNull, context } = input;
          if (!value.f01 || value.link === 'related') return undefined;
          const firstSeen = featureOrNull(f.corridorFirstSeen);
          if (firstSeen !== null && firstSeen <= context.event.timeMs - config.established_days * dayMs)
            return undefined;
          if (value.unrelated) {
            // The share is over payments whose link is known: an undeclared one is not "related".
            const known = feature(f.f01KnownLink90d);
            const unrelated = feature(f.f01Unrelated90d);
            if (known === 0 || unrelated / known < config.unrelated_share_90d) return undefined;
            return `${unrelated} of ${known} corridor payments in 90 days with a known link declare no family link, and the payer has no birth link or earlier history with the country`;
          }
          // Nothing declared: infer "no established link" only from behaviour, and say so.
          if (!config.inferred) return undefined;
          const data = context.event.data;
          if (sharedSurname(data.payer_name, data.payee_name)) return undefined;
          if (looksLikeTripSpending(input, config.trip_payees_7d)) return undefined;
          // This payee's rhythm; with too short a history to it, the rhythm of all the payer's
          // corridor payments (an offender spreading a few payments over several receivers).
          const own = relationshipRhythm(input, config);
          const rhythm = own ?? relationshipRhythm(input, config, 'payer');
          if (rhythm === null || (!rhythm.irregularTiming && !rhythm.dispersedAmounts)) return undefined;
          const to = own === null ? 'small corridor receivers' : 'this payee';
          return `inferred, no relationship declared: no birth link to the country, no shared surname, no earlier history with the country, and ${describeRhythm(rhythm, to)}`;
        },
        effects: (config) => payerPoints(t1, config.points),
      },
      facts,
    ),
    defineIndicator(
      {
        id: 'ocse_f04_night_payments',
        version: 1,
        indicator: 'F04',
        description: "Corridor payments mostly at night in the payer's local time",
        sources: ['FATF-25'],
        configSchema: z.strictObject({ night_share_90d: share, minimum_count: count, burst_2h: count, points }),
        defaultConfig: { night_share_90d: 0.5, minimum_count: 3, burst_2h: 3, points: 10 },
        check: ({ facts: value, feature }, config) => {
          if (!value.f01) return undefined;
          const total = feature(f.f01Count90d);
          const night = feature(f.f01Night90d);
          if (total >= config.minimum_count && night / total >= config.night_share_90d) {
            return `${night} of ${total} corridor payments in 90 days at night local time (${percent(night / total)})`;
          }
          const burst = feature(f.f01Burst2h);
          if (burst >= config.burst_2h) return `${burst} corridor payments within 2 hours`;
          return undefined;
        },
        effects: (config) => payerPoints(t1, config.points),
      },
      facts,
    ),
    defineIndicator(
      {
        id: 'ocse_f05_cover_story_reference',
        version: 1,
        indicator: 'F05',
        description: 'Corridor payment references in cover-story or handle categories, with no family link',
        sources: ['AUSTRAC-24', 'AUSTRAC-25', 'FATF-25', 'EGMONT-20'],
        configSchema: z.strictObject({ cover_share_90d: share, minimum_count: count, points }),
        defaultConfig: { cover_share_90d: 0.6, minimum_count: 2, points: 10 },
        check: ({ facts: value, feature }, config) => {
          if (!value.f01 || !value.unrelated || value.reference === 'other') return undefined;
          const total = feature(f.f01Count90d);
          const cover = feature(f.f01Cover90d);
          if (cover < config.minimum_count || cover / total < config.cover_share_90d) return undefined;
          return `${cover} of ${total} corridor payments carry a cover-story or empty reference (this one: ${value.reference})`;
        },
        effects: (config) => payerPoints(t1, config.points),
      },
      facts,
    ),
    defineIndicator(
      {
        id: 'ocse_f05_fiu_keyword',
        version: 1,
        indicator: 'F05 (C8)',
        description: "Payment reference contains a term from the FIU's confidential keyword list",
        sources: ['EGMONT-20'],
        configSchema: z.strictObject({ points }),
        defaultConfig: { points: 20 },
        check: ({ facts: value }) =>
          value.privateKeyword ? 'payment reference matches the confidential FIU keyword list' : undefined,
        effects: (config) => payerPoints(t1, config.points),
      },
      facts,
    ),
    defineIndicator(
      {
        id: 'ocse_f06_escalation',
        version: 1,
        indicator: 'F06',
        description: 'Small corridor payments become more frequent and larger',
        sources: ['AUSTRAC-23'],
        configSchema: z.strictObject({
          frequency_ratio: z.number().min(1),
          amount_ratio: z.number().min(1),
          minimum_previous: count,
          points,
        }),
        defaultConfig: { frequency_ratio: 2, amount_ratio: 1.5, minimum_previous: 2, points: 10 },
        check: ({ facts: value, feature }, config) => {
          if (!value.f01) return undefined;
          const recent = feature(f.f01Count30d);
          const previous = feature(f.f01Count120d) - recent;
          if (previous < config.minimum_previous || recent === 0) return undefined;
          const frequency = recent / (previous / 3);
          const recentMean = feature(f.f01Usd30d) / recent;
          const previousMean = (feature(f.f01Usd120d) - feature(f.f01Usd30d)) / previous;
          if (frequency < config.frequency_ratio || recentMean < config.amount_ratio * previousMean) return undefined;
          return `corridor payments rose from ${previous} in the 90 days before to ${recent} in 30 days, mean USD ${previousMean.toFixed(0)} → ${recentMean.toFixed(0)}`;
        },
        effects: (config) => payerPoints(t1, config.points),
      },
      facts,
    ),
    defineIndicator(
      {
        id: 'ocse_f07_round_amounts',
        version: 1,
        indicator: 'F07',
        description: 'Corridor payments mostly in round amounts',
        sources: ['FATF-25'],
        configSchema: z.strictObject({ round_share_90d: share, minimum_count: count, points }),
        defaultConfig: { round_share_90d: 0.7, minimum_count: 3, points: 10 },
        check: ({ facts: value, feature }, config) => {
          if (!value.f01) return undefined;
          const total = feature(f.f01Count90d);
          const round = feature(f.f01Round90d);
          if (total < config.minimum_count || round / total < config.round_share_90d) return undefined;
          return `${round} of ${total} corridor payments in round amounts (${percent(round / total)})`;
        },
        effects: (config) => payerPoints(t1, config.points),
      },
      facts,
    ),
    defineIndicator(
      {
        id: 'ocse_f08_related_purchases',
        version: 1,
        indicator: 'F08',
        description: 'Purchases of anonymity, capture or live-stream services around corridor payments',
        sources: ['AUSTRAC-24', 'FINTRAC-20', 'FinCEN-21'],
        configSchema: z.strictObject({ purchases_90d: count, points }),
        defaultConfig: { purchases_90d: 1, points: 10 },
        check: ({ facts: value, feature }, config) => {
          if (!value.f01 && !value.riskyMerchant) return undefined;
          const purchases = feature(f.riskyMerchant90d);
          if (purchases < config.purchases_90d || feature(f.f01Count30d) === 0) return undefined;
          return `${purchases} purchases at anonymity, capture or live-stream merchants within 90 days of corridor payments`;
        },
        effects: (config) => [
          ...payerPoints(t1, config.points),
          ...payerPoints(ocseTypology.cryptoPurchase, config.points),
        ],
      },
      facts,
    ),
    defineIndicator(
      {
        id: 'ocse_f09_travel_pattern',
        version: 1,
        indicator: 'F09',
        description: 'Long or repeated stays in a high-risk country with heavy cash use, after corridor payments there',
        sources: ['FINTRAC-25', 'AUSTRAC-24', 'AUSTRAC-25', 'AUSTRAC-CS'],
        configSchema: z.strictObject({
          spend_days_365d: count,
          atm_per_day: z.number().min(0),
          prior_payments: count,
          points,
        }),
        defaultConfig: { spend_days_365d: 14, atm_per_day: 0.5, prior_payments: 1, points: 40 },
        check: ({ facts: value, feature }, config) => {
          if (!value.spendInCorridorAbroad) return undefined;
          const days = feature(f.corridorSpendDays365d);
          const atm = feature(f.corridorAtm365d);
          const prior = feature(f.f01Unrelated365d);
          if (days < config.spend_days_365d || atm < config.atm_per_day * days || prior < config.prior_payments) {
            return undefined;
          }
          return `card or cash spending on ${days} days in a high-risk country (${atm} ATM withdrawals) after ${prior} unexplained corridor payments`;
        },
        effects: (config) => [...payerPoints(ocseTypology.travelToOffend, config.points), ...payerPoints(t1, 10)],
      },
      facts,
    ),
    defineIndicator(
      {
        id: 'ocse_f10_payer_profile',
        version: 1,
        indicator: 'F10',
        description: 'Payer profile modifier (off by default; needs a fairness review before use)',
        sources: ['FINTRAC-20', 'FINTRAC-25'],
        configSchema: z.strictObject({ enabled: z.boolean(), minimum_age: count, points }),
        defaultConfig: { enabled: false, minimum_age: 40, points: 5 },
        check: ({ facts: value, feature }, config) => {
          if (!config.enabled || !value.f01 || value.payerAge === null || value.payerAge < config.minimum_age)
            return undefined;
          if (feature(f.f01Count30d) < 2) return undefined;
          return `payer age band matches the published cohort (modifier only)`;
        },
        effects: (config) => payerPoints(t1, config.points),
      },
      facts,
    ),
    defineIndicator(
      {
        id: 'ocse_f11_channel_evasion',
        version: 1,
        indicator: 'F11',
        description: 'Several funding instruments or gift cards used for corridor payments',
        sources: ['FinCEN-21', 'FATF-25', 'AUSTRAC-25'],
        configSchema: z.strictObject({ instruments_30d: count, points }),
        defaultConfig: { instruments_30d: 3, points: 10 },
        check: ({ facts: value, feature }, config) => {
          if (!value.f01 && !(value.channel === 'gift_card' && value.highRiskCorridor)) return undefined;
          const instruments = feature(f.fundingInstruments30d);
          if (instruments >= config.instruments_30d) return `${instruments} funding instruments used in 30 days`;
          if (value.channel === 'gift_card' && value.highRiskCorridor)
            return 'gift card sent into a high-risk corridor';
          return undefined;
        },
        effects: (config) => [
          ...payerPoints(t1, config.points),
          ...payerPoints(ocseTypology.cryptoPurchase, config.points),
        ],
      },
      facts,
    ),
    defineIndicator(
      {
        id: 'ocse_f12_crypto_exposure',
        version: 1,
        indicator: 'F12',
        description:
          'Crypto sent to an address tagged as selling abuse material (direct) or a laundering service (indirect)',
        sources: ['FinCEN-21', 'FinCEN-24', 'FINTRAC-25'],
        configSchema: z.strictObject({ direct_points: points, indirect_points: points }),
        defaultConfig: { direct_points: 60, indirect_points: 40 },
        check: ({ facts: value }) => {
          if (value.cryptoDirect) return 'crypto sent to an address with direct exposure to abuse-material sales';
          if (value.cryptoIndirect) return 'crypto sent to a mixer, darknet market or other high-risk service';
          return undefined;
        },
        effects: (config, { facts: value }) => [
          ...payerPoints(
            ocseTypology.cryptoPurchase,
            value.cryptoDirect ? config.direct_points : config.indirect_points,
          ),
          ...(value.cryptoDirect ? payerPoints(t1, 20) : []),
        ],
      },
      facts,
    ),
  ];
}
