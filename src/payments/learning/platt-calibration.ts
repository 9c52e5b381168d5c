import { fitLogistic, sigmoid } from './logistic-regression.js';

/** Platt scaling: `probability = σ(slope · score + intercept)`. */
export interface PlattCalibration {
  readonly slope: number;
  readonly intercept: number;
}

/**
 * Fits Platt scaling (a one-input logistic regression) on account scores and account labels,
 * each account weighing 1, with Platt's smoothed targets (`(N₊ + 1)/(N₊ + 2)` for confirmed,
 * `1/(N₋ + 2)` for cleared accounts) so a perfectly separated training set still gives finite,
 * not 0-or-1, probabilities.
 */
export function fitPlatt(scores: readonly number[], labels: readonly (0 | 1)[]): PlattCalibration {
  const positives = labels.filter((label) => label === 1).length;
  const negatives = labels.length - positives;
  const high = (positives + 1) / (positives + 2);
  const low = 1 / (negatives + 2);
  const fit = fitLogistic({
    rows: scores.map((score) => Float64Array.of(score)),
    columns: 1,
    labels: labels.map((label) => (label === 1 ? high : low)),
    sampleWeights: labels.map(() => 1),
    l2: 0,
    maxIterations: 100,
    startIntercept: Math.log((positives + 1) / (negatives + 1)),
  });
  return { slope: fit.weights[0] ?? 0, intercept: fit.intercept };
}

/** The calibrated probability of a raw score. */
export function calibrate(calibration: PlattCalibration, score: number): number {
  return sigmoid(calibration.slope * score + calibration.intercept);
}
