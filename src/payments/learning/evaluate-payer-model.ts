import type { PayerModel } from './payer-model.js';
import { scoreAccount } from './score-payer.js';
import { groupByAccount, type TrainingExample } from './training-examples.js';

/** One bin of the reliability table: accounts whose probability is in `[from, to)` (the last bin includes 1). */
export interface ReliabilityBin {
  readonly from: number;
  readonly to: number;
  readonly accounts: number;
  readonly positives: number;
  /** Mean predicted probability in the bin; null when it is empty. */
  readonly meanProbability: number | null;
  /** Share of confirmed accounts in the bin; null when it is empty. */
  readonly observedRate: number | null;
}

/** A model measured on labelled examples, per account (the examples' account-level labels). */
export interface ModelEvaluation {
  readonly accounts: number;
  readonly positives: number;
  readonly negatives: number;
  readonly alertedPositives: number;
  readonly alertedNegatives: number;
  /** alertedPositives / positives; null without confirmed accounts. */
  readonly recall: number | null;
  /** alertedNegatives / negatives (legitimate accounts alerted); null without cleared accounts. */
  readonly alertRate: number | null;
  /** Mean squared difference between probability and label over accounts; null without accounts. */
  readonly brier: number | null;
  readonly threshold: number;
  /** Ten bins of probability, 0–0.1 … 0.9–1. */
  readonly reliability: readonly ReliabilityBin[];
}

const bins = 10;

/**
 * Scores every account of `examples` (its probability is its best event's) and measures the model
 * against their labels: recall and alert rate at the model's threshold, the Brier score, and a
 * reliability table (predicted against observed, per tenth of probability) for calibration.
 * Measure on accounts the model was not trained on.
 * @throws EngineError MODEL_INPUT_INVALID as training does for a malformed example.
 */
export function evaluatePayerModel(model: PayerModel, examples: readonly TrainingExample[]): ModelEvaluation {
  const accounts = groupByAccount(examples);
  const table = Array.from({ length: bins }, () => ({ accounts: 0, positives: 0, probabilities: 0 }));
  let positives = 0;
  let alertedPositives = 0;
  let alertedNegatives = 0;
  let squares = 0;
  for (const account of accounts) {
    const score = scoreAccount(model, account.examples);
    const probability = score?.probability ?? 0;
    const alert = score?.alert ?? false;
    positives += account.label;
    if (alert && account.label === 1) alertedPositives++;
    if (alert && account.label === 0) alertedNegatives++;
    squares += (probability - account.label) ** 2;
    const bin = table[Math.min(bins - 1, Math.floor(probability * bins))];
    if (bin !== undefined) {
      bin.accounts++;
      bin.positives += account.label;
      bin.probabilities += probability;
    }
  }
  const negatives = accounts.length - positives;
  return {
    accounts: accounts.length,
    positives,
    negatives,
    alertedPositives,
    alertedNegatives,
    recall: positives === 0 ? null : alertedPositives / positives,
    alertRate: negatives === 0 ? null : alertedNegatives / negatives,
    brier: accounts.length === 0 ? null : squares / accounts.length,
    threshold: model.threshold,
    reliability: table.map((bin, index) => ({
      from: index / bins,
      to: (index + 1) / bins,
      accounts: bin.accounts,
      positives: bin.positives,
      meanProbability: bin.accounts === 0 ? null : bin.probabilities / bin.accounts,
      observedRate: bin.accounts === 0 ? null : bin.positives / bin.accounts,
    })),
  };
}
