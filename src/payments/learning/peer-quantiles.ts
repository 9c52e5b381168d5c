/**
 * Peer distributions kept compactly: a feature's distribution in one peer group (origin country ×
 * corridor × segment) as `points` evenly spaced quantiles (21 by default: the minimum, every 5th
 * percentile, the maximum), and a value's percentile rank read back from them. The model stores
 * these instead of the training values, so a model file holds no account's data and a group's
 * cost is the same whatever its size.
 */

/** Quantiles per distribution in a model (the minimum, every 5th percentile, the maximum). */
export const defaultQuantilePoints = 21;

/** One observed value and its weight (each account weighs 1 in total over its examples). */
export interface WeightedValue {
  readonly value: number;
  readonly weight: number;
}

/**
 * `points` quantiles of a weighted sample, from its minimum to its maximum: quantile `k` is the
 * smallest value whose cumulative weight reaches `k / (points − 1)` of the total (no
 * interpolation, so every stored point is a value that was seen). Deterministic: ties in value
 * are equal whatever their order. `sample` must be non-empty with positive weights.
 */
export function weightedQuantiles(sample: readonly WeightedValue[], points: number = defaultQuantilePoints): number[] {
  const sorted = [...sample].sort((a, b) => a.value - b.value);
  const total = sorted.reduce((sum, entry) => sum + entry.weight, 0);
  const quantiles: number[] = [];
  let index = 0;
  let cumulative = sorted[0]?.weight ?? 0;
  for (let k = 0; k < points; k++) {
    // A relative tolerance so that rounding in the running sum cannot skip a value at k / (points − 1).
    const target = (k / (points - 1)) * total * (1 - 1e-12);
    while (cumulative < target && index < sorted.length - 1) {
      index++;
      cumulative += sorted[index]?.weight ?? 0;
    }
    quantiles.push(sorted[index]?.value ?? 0);
  }
  return quantiles;
}

/**
 * The percentile rank (0–1) of `value` within a distribution stored as evenly spaced
 * `quantiles` (non-decreasing, at least two): 0 below the minimum, 1 above the maximum, linear
 * between neighbouring quantiles, and the middle of a run of equal quantiles for a value equal to
 * them (a value shared by 60 % of the group, such as 0 night payments, ranks 0.3, not 0 or 0.6).
 */
export function percentileRank(quantiles: readonly number[], value: number): number {
  const last = quantiles.length - 1;
  const step = 1 / last;
  let low = -1; // the last quantile strictly below value
  let high = quantiles.length; // the first quantile strictly above value
  for (let k = 0; k <= last; k++) {
    const quantile = quantiles[k] as number;
    if (quantile < value) low = k;
    else if (quantile > value && high > last) high = k;
  }
  if (low === -1 && high === 0) return 0;
  if (high === quantiles.length && low === last) return 1;
  if (high - low > 1) return ((low + 1 + (high - 1)) / 2) * step; // a run of quantiles equal to value
  const below = quantiles[low] as number;
  const above = quantiles[high] as number;
  return (low + (value - below) / (above - below)) * step;
}
