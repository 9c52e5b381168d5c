import { z } from 'zod';
import type { EngineEvent } from '../../events/index.js';
import type { BuiltinRule } from '../../rules/index.js';
import { defineIndicator } from './indicator-rule.js';
import { ocseTypology } from './ocse-typologies.js';
import type { PaymentFacts } from './payment-facts.js';
import { defaultRhythmLimits, relationshipRhythm, rhythmLimitsSchema } from './relationship-rhythm.js';
import { describeRhythm } from './support-rhythm.js';
import { defaultTripPayees7d, looksLikeTripSpending } from './trip-spending.js';

const points = z.number().positive().max(1000);
const count = z.number().int().min(1).max(10_000);

/**
 * Indicators over the rhythm of a payer's small corridor payments to one payee (`supportRhythm`):
 * M01 regular support, a mitigation that lowers T1 with its reason in the alert; F18 irregular
 * timing and F19 dispersed amounts, boosters of T1, withheld on what looks like a trip's spending
 * (`looksLikeTripSpending`). They read only amounts, times and accounts,
 * so they work on every source, a plain bank pacs.008 included. Evaluated before the other payer
 * indicators, so a mitigation is in the score before a booster of the same payment adds to it.
 */
export function rhythmIndicators(facts: (event: EngineEvent) => PaymentFacts): BuiltinRule[] {
  const t1 = ocseTypology.livestreamPayer;
  return [
    defineIndicator(
      {
        id: 'ocse_m01_regular_support',
        version: 1,
        indicator: 'M01',
        description:
          'Mitigation: regular support to the payee — a steady weekly, fortnightly or monthly period and stable amounts',
        sources: ['AUSTRAC-24', 'FINTRAC-20'],
        configSchema: z.strictObject({ ...rhythmLimitsSchema, points }),
        // A longer history than the boosters ask for: three payments can look steady by chance.
        defaultConfig: { ...defaultRhythmLimits, minimum_payments: 4, points: 20 },
        check: (input, config) => {
          if (!input.facts.f01) return undefined;
          const rhythm = relationshipRhythm(input, config);
          if (rhythm === null || !rhythm.regular) return undefined;
          return `regular support (lowers the score by ${config.points}): ${describeRhythm(rhythm)}`;
        },
        effects: (config) => [{ kind: 'typology', typology: t1, points: -config.points }],
      },
      facts,
    ),
    defineIndicator(
      {
        id: 'ocse_f18_irregular_timing',
        version: 1,
        indicator: 'F18',
        description: 'Corridor payments to one payee at irregular intervals: no steady week, fortnight or month',
        sources: ['AUSTRAC-CS', 'FINTRAC-20'],
        configSchema: z.strictObject({ ...rhythmLimitsSchema, trip_payees_7d: count, points }),
        defaultConfig: { ...defaultRhythmLimits, trip_payees_7d: defaultTripPayees7d, points: 10 },
        check: (input, config) => {
          if (!input.facts.f01 || looksLikeTripSpending(input, config.trip_payees_7d)) return undefined;
          const rhythm = relationshipRhythm(input, config);
          if (rhythm === null || !rhythm.irregularTiming) return undefined;
          return describeRhythm(rhythm);
        },
        effects: (config) => [{ kind: 'typology', typology: t1, points: config.points }],
      },
      facts,
    ),
    defineIndicator(
      {
        id: 'ocse_f19_dispersed_amounts',
        version: 1,
        indicator: 'F19',
        description: 'Corridor payments to one payee in widely varying amounts',
        sources: ['AUSTRAC-CS', 'FATF-25'],
        configSchema: z.strictObject({ ...rhythmLimitsSchema, trip_payees_7d: count, points }),
        defaultConfig: { ...defaultRhythmLimits, trip_payees_7d: defaultTripPayees7d, points: 10 },
        check: (input, config) => {
          if (!input.facts.f01 || looksLikeTripSpending(input, config.trip_payees_7d)) return undefined;
          const rhythm = relationshipRhythm(input, config);
          if (rhythm === null || !rhythm.dispersedAmounts) return undefined;
          return `amounts to this payee vary by ±${Math.round(rhythm.amountSpread * 100)} % over ${rhythm.payments} payments`;
        },
        effects: (config) => [{ kind: 'typology', typology: t1, points: config.points }],
      },
      facts,
    ),
  ];
}
