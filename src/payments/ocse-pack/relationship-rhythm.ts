import { z } from 'zod';
import type { IndicatorInput } from './indicator-rule.js';
import { rhythmFeature } from './ocse-features.js';
import { type RhythmLimits, type SupportRhythm, supportRhythm } from './support-rhythm.js';

/** The rhythm thresholds as rule configuration (each rhythm rule carries its own copy). */
export const rhythmLimitsSchema = {
  minimum_payments: z.number().int().min(2).max(1000),
  minimum_span_days: z.number().min(0).max(365),
  period_tolerance: z.number().min(0).max(1),
  stable_spread: z.number().min(0).max(10),
  dispersed_spread: z.number().min(0).max(10),
};

/** Defaults set on seeds 1–3 of `npm run bench -- payments-eval` (every profile). */
export const defaultRhythmLimits: RhythmLimits = {
  minimum_payments: 3,
  minimum_span_days: 4,
  period_tolerance: 0.25,
  stable_spread: 0.15,
  dispersed_spread: 0.25,
};

/**
 * The rhythm of the current payment's relationship (`scope` `relationship`: its F01 payments over
 * 90 days, this one included) or of all the payer's F01 payments (`payer`), read from the pack's
 * rhythm features; null when the history is too short.
 */
export function relationshipRhythm(
  input: IndicatorInput,
  limits: RhythmLimits,
  scope: keyof typeof rhythmFeature = 'relationship',
): SupportRhythm | null {
  const { feature, featureOrNull } = input;
  const names = rhythmFeature[scope];
  const firstMs = featureOrNull(names.firstMs);
  const lastMs = featureOrNull(names.lastMs);
  if (firstMs === null || lastMs === null) return null;
  const buckets = names.buckets.map(([aligned, shifted]) => [feature(aligned), feature(shifted)] as const);
  const [weeks, fortnights, months] = buckets as [(typeof buckets)[0], (typeof buckets)[0], (typeof buckets)[0]];
  return supportRhythm(
    {
      payments: feature(names.count),
      firstMs,
      lastMs,
      weeks,
      fortnights,
      months,
      usd: feature(names.usd),
      usdSquares: feature(names.usdSquares),
    },
    limits,
  );
}
