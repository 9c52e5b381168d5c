/**
 * Early-detection metrics for conversations, as the chat-signals note (§6) recommends: precision
 * at a fixed recall and recall at a fixed false-positive rate over a ranking score, and eRisk's
 * ERDE_o, which charges a true positive more the later it is decided. Pure functions over plain
 * numbers, so each can be checked against a hand-computed example.
 */

/** One conversation ranked by a detector: its score (0 = never flagged) and whether it is a positive. */
export interface Scored {
  readonly score: number;
  readonly positive: boolean;
}

/** The operating points of a ranking: one per distinct score > 0, highest first. */
function operatingPoints(items: readonly Scored[]): { truePositives: number; falsePositives: number }[] {
  const sorted = items.filter((item) => item.score > 0).sort((a, b) => b.score - a.score);
  const points: { truePositives: number; falsePositives: number }[] = [];
  let truePositives = 0;
  let falsePositives = 0;
  for (let index = 0; index < sorted.length; index++) {
    const item = sorted[index] as Scored;
    if (item.positive) truePositives++;
    else falsePositives++;
    // A threshold can only sit between different scores: ties are flagged together.
    if (index === sorted.length - 1 || (sorted[index + 1] as Scored).score !== item.score) {
      points.push({ truePositives, falsePositives });
    }
  }
  return points;
}

/**
 * The best precision at any threshold whose recall is at least `recall` (flagging = score ≥
 * threshold; a score of 0 is never flagged). Null when no threshold reaches that recall (or
 * there are no positives): the detector cannot get there at all.
 */
export function precisionAtRecall(items: readonly Scored[], recall: number): number | null {
  const positives = items.filter((item) => item.positive).length;
  if (positives === 0) return null;
  let best: number | null = null;
  for (const point of operatingPoints(items)) {
    if (point.truePositives / positives < recall) continue;
    const precision = point.truePositives / (point.truePositives + point.falsePositives);
    if (best === null || precision > best) best = precision;
  }
  return best;
}

/**
 * The best recall at any threshold whose false-positive rate (flagged negatives / negatives) is
 * at most `rate`; 0 when none is. Null without positives or without negatives (undefined then).
 */
export function recallAtFalsePositiveRate(items: readonly Scored[], rate: number): number | null {
  const positives = items.filter((item) => item.positive).length;
  const negatives = items.length - positives;
  if (positives === 0 || negatives === 0) return null;
  let best = 0;
  for (const point of operatingPoints(items)) {
    if (point.falsePositives / negatives > rate) continue;
    best = Math.max(best, point.truePositives / positives);
  }
  return best;
}

/** One subject's decision for ERDE: whether it is positive, whether it was alerted, after how many items. */
export interface Decision {
  readonly positive: boolean;
  readonly alerted: boolean;
  /** Items read before the alert (≥ 1); ignored when not alerted. */
  readonly delay: number;
}

/**
 * ERDE_o (Losada & Crestani, eRisk 2016), the mean cost per subject: a false positive costs
 * `falsePositiveCost` (eRisk uses the share of positives in the collection), a false negative 1,
 * a true positive decided after k items 1 − 1/(1 + e^(k − o)), a true negative 0. Lower is better.
 * Null for an empty list.
 */
export function erde(decisions: readonly Decision[], o: number, falsePositiveCost: number): number | null {
  if (decisions.length === 0) return null;
  let total = 0;
  for (const decision of decisions) {
    if (decision.alerted && !decision.positive) total += falsePositiveCost;
    else if (!decision.alerted && decision.positive) total += 1;
    else if (decision.alerted && decision.positive) total += 1 - 1 / (1 + Math.exp(decision.delay - o));
  }
  return total / decisions.length;
}

/** The `share` quantile (0..1) of `values` by the nearest-rank method; null when empty. */
export function quantile(values: readonly number[], share: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(share * sorted.length));
  return sorted[rank - 1] as number;
}
