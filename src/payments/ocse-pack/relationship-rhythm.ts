import { z } from 'zod';
import type { IndicatorInput } from './indicator-rule.js';
import { ocseFeature as f } from './ocse-features.js';
import { type RhythmLimits, type SupportRhythm, supportRhythm } from './support-rhythm.js';

/** The rhythm thresholds as rule configuration (each rhythm rule carries its own copy). */
export const rhythmLimitsSchema = {
  minimum_payments: z.number().int().min(2).max(1000),
  period_tolerance: z.number().min(0).max(1),
  stable_spread: z.number().min(0).max(10),
  dispersed_spread: z.number().min(0).max(10),
};

/** Defaults set on seeds 1–3 of `npm run bench -- payments-eval` (every profile). */
export const defaultRhythmLimits: RhythmLimits = {
  minimum_payments: 3,
  period_tolerance: 0.25,
  stable_spread: 0.15,
  dispersed_spread: 0.25,
};

/**
 * The rhythm of the current payment's relationship (its F01 payments over 90 days, this one
 * included), read from the pack's relationship features; null when the history is too short.
 */
export function relationshipRhythm(input: IndicatorInput, limits: RhythmLimits): SupportRhythm | null {
  const { feature, featureOrNull } = input;
  const firstMs = featureOrNull(f.relationshipFirstMs90d);
  const lastMs = featureOrNull(f.relationshipLastMs90d);
  if (firstMs === null || lastMs === null) return null;
  return supportRhythm(
    {
      payments: feature(f.relationshipCount90d),
      firstMs,
      lastMs,
      weeks: [feature(f.relationshipWeeks90d), feature(f.relationshipWeeksShifted90d)],
      fortnights: [feature(f.relationshipFortnights90d), feature(f.relationshipFortnightsShifted90d)],
      months: [feature(f.relationshipMonths90d), feature(f.relationshipMonthsShifted90d)],
      usd: feature(f.relationshipUsd90d),
      usdSquares: feature(f.relationshipUsdSquares90d),
    },
    limits,
  );
}
