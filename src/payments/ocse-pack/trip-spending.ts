import type { IndicatorInput } from './indicator-rule.js';
import { ocseFeature as f } from './ocse-features.js';
import { payerUtcOffset } from './payer-offset.js';

/** How many distinct small corridor payees within 7 days look like a trip's purchases (rule config). */
export const defaultTripPayees7d = 5;

/**
 * Whether a small corridor payment looks like spending on a trip rather than a remittance sent
 * from home: it was made at another UTC offset than every domestic payment of the payer (in
 * person, abroad), or the payer paid `tripPayees7d` or more distinct corridor payees within
 * 7 days (hotel, meals, shops — a remitter pays a few people). Unknown offsets count as home.
 * Used to withhold the behavioural indicators (F03's inference, F18, F19), which read a
 * relationship's rhythm and would read a holiday's bills as erratic payments to strangers.
 */
export function looksLikeTripSpending(input: IndicatorInput, tripPayees7d: number): boolean {
  const { context, feature, featureOrNull } = input;
  if (feature(f.f01Payees7d) >= tripPayees7d) return true;
  const home = featureOrNull(f.homeOffsetMin365d);
  const offset = payerUtcOffset(context.event);
  return home !== null && home === featureOrNull(f.homeOffsetMax365d) && offset !== undefined && offset !== home;
}
