import type { PayerContribution, PayerScore } from './score-payer.js';

/** A number as a reason shows it: whole numbers as they are, others to 3 significant digits. */
function shown(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(3)));
}

/** 1st, 2nd, 3rd, 4th … 11th, 12th, 13th … 21st. */
function ordinal(rank: number): string {
  const tens = rank % 100;
  if (tens >= 11 && tens <= 13) return `${rank}th`;
  return `${rank}${{ 1: 'st', 2: 'nd', 3: 'rd' }[rank % 10] ?? 'th'}`;
}

function reason(entry: PayerContribution): string {
  const sign = entry.contribution >= 0 ? '+' : '-';
  const peer =
    entry.peerPercentile === undefined
      ? ''
      : ` (${ordinal(Math.round(entry.peerPercentile * 100))} pct of ${entry.peerGroup ?? 'all payers'})`;
  return `${entry.feature} ${shown(entry.value)}${peer} ${sign}${Math.abs(entry.contribution).toFixed(2)}`;
}

/**
 * One reason line for an alert: the calibrated probability, then the `top` largest contributions
 * (log-odds; `+` raises the score, `-` lowers it), each with its value and, for a peer feature,
 * its percentile in the payer's peer group, e.g.
 * `model 0.93: night_share 0.8 (99th pct of GB>PH:adult) +1.20, payees_90d 4 +0.90`.
 * Features that contributed nothing (at their training mean) are left out.
 */
export function explainScore(score: PayerScore, top = 3): string {
  const reasons = score.contributions
    .filter((entry) => entry.contribution !== 0)
    .slice(0, Math.max(0, top))
    .map(reason);
  const head = `model ${score.probability.toFixed(2)}`;
  return reasons.length === 0 ? `${head}: no feature moved the score` : `${head}: ${reasons.join(', ')}`;
}
