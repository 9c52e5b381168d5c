/**
 * The rhythm of one payer's small corridor payments to one payee (a `payment_relationship`), from
 * the relationship's aggregates over 90 days: how many, first and last time, how many distinct
 * period buckets they fall in, and the sum and sum of squares of their US-dollar amounts. This is
 * the strongest legitimate pattern in remittance corridors — regular family support: the same
 * payee, a steady period (weekly, fortnightly, monthly), stable amounts — and its absence
 * (irregular timing, dispersed amounts) is what an offender's pay-per-session payments look like.
 *
 * Aggregates, not a list of payments, so the per-event cost stays a few set and sum updates.
 * Each period is bucketed twice, the second grid shifted by half a period, so a steady payer whose
 * day drifts across one grid's boundary still falls once per bucket on the other.
 */
export interface RelationshipHistory {
  readonly payments: number;
  readonly firstMs: number;
  readonly lastMs: number;
  /** Distinct buckets per period: `[aligned, shifted by half a period]`. */
  readonly weeks: readonly [number, number];
  readonly fortnights: readonly [number, number];
  readonly months: readonly [number, number];
  readonly usd: number;
  readonly usdSquares: number;
}

/** The periods a support payment keeps, in days, with the bucket width the features use. */
export const rhythmPeriods = [
  { name: 'weekly', days: 7 },
  { name: 'fortnightly', days: 14 },
  { name: 'monthly', days: 30.44 },
] as const;

export type RhythmPeriod = (typeof rhythmPeriods)[number]['name'];

/** The thresholds of `supportRhythm` (pack rule configuration). */
export interface RhythmLimits {
  /** Fewer payments than this to the payee say nothing about a rhythm (a long enough history). */
  readonly minimum_payments: number;
  /**
   * Payments spread over fewer days than this say nothing about a rhythm either: a few days of
   * purchases on a trip are not a relationship.
   */
  readonly minimum_span_days: number;
  /** A period holds when the mean gap is within this share of it (0.25: 7 ± 1.75 days). */
  readonly period_tolerance: number;
  /** Amounts are stable when their coefficient of variation is at most this (0.15 ≈ ±15 %). */
  readonly stable_spread: number;
  /** Amounts are dispersed when their coefficient of variation is at least this. */
  readonly dispersed_spread: number;
}

/** What the rhythm says; null when the history is too short (in payments or days) to say anything. */
export interface SupportRhythm {
  readonly payments: number;
  readonly spanDays: number;
  readonly meanGapDays: number;
  /** The steady period the payments keep (one per bucket, mean gap near it), else null. */
  readonly period: RhythmPeriod | null;
  /** Coefficient of variation of the amounts (standard deviation / mean). */
  readonly amountSpread: number;
  /** A steady period and stable amounts: regular support. */
  readonly regular: boolean;
  /** No steady period: the timing is irregular. */
  readonly irregularTiming: boolean;
  readonly dispersedAmounts: boolean;
}

const dayMs = 86_400_000;

/** The rhythm of a relationship's history, or null below `minimum_payments` or `minimum_span_days`. */
export function supportRhythm(history: RelationshipHistory, limits: RhythmLimits): SupportRhythm | null {
  const { payments } = history;
  if (payments < limits.minimum_payments || payments < 2) return null;
  const spanDays = Math.max(0, history.lastMs - history.firstMs) / dayMs;
  if (spanDays < limits.minimum_span_days) return null;
  const meanGapDays = spanDays / (payments - 1);
  const buckets = { weekly: history.weeks, fortnightly: history.fortnights, monthly: history.months };
  let period: RhythmPeriod | null = null;
  for (const candidate of rhythmPeriods) {
    const near = Math.abs(meanGapDays - candidate.days) <= limits.period_tolerance * candidate.days;
    const [aligned, shifted] = buckets[candidate.name];
    if (near && Math.max(aligned, shifted) >= payments) {
      period = candidate.name;
      break;
    }
  }
  const mean = history.usd / payments;
  const variance = Math.max(0, history.usdSquares / payments - mean * mean);
  const amountSpread = mean > 0 ? Math.sqrt(variance) / mean : 0;
  return {
    payments,
    spanDays,
    meanGapDays,
    period,
    amountSpread,
    regular: period !== null && amountSpread <= limits.stable_spread,
    irregularTiming: period === null,
    dispersedAmounts: amountSpread >= limits.dispersed_spread,
  };
}

/** The bucket of `timeMs` on a grid of `days`-long periods, shifted by half a period when asked. */
export function rhythmBucket(timeMs: number, days: number, shifted: boolean): number {
  return Math.floor((timeMs + (shifted ? (days * dayMs) / 2 : 0)) / (days * dayMs));
}

/**
 * "5 payments to this payee over 9 weeks, fortnightly, amounts within ±6 %"; `to` names what the
 * payments went to (default "this payee").
 */
export function describeRhythm(rhythm: SupportRhythm, to = 'this payee'): string {
  const weeks = Math.max(1, Math.round(rhythm.spanDays / 7));
  const spread = `±${Math.round(rhythm.amountSpread * 100)} %`;
  const timing =
    rhythm.period === null
      ? `at irregular intervals (a mean gap of ${rhythm.meanGapDays.toFixed(1)} days, no steady week, fortnight or month)`
      : `${rhythm.period}`;
  return `${rhythm.payments} payments to ${to} over ${weeks} week${weeks === 1 ? '' : 's'}, ${timing}, amounts within ${spread}`;
}
