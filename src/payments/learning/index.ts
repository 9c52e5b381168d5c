/**
 * Learning from decisions, the pure core: a calibrated, explainable payer model trained from
 * analysts' case decisions (confirmed / cleared accounts) over named numeric features of each
 * payment (the pack's features and indicator hits), with peer groups (origin country × corridor ×
 * segment) so that what counts as unusual follows each population. Prevail's own small L2
 * logistic regression, so every score splits exactly into per-feature contributions, the reasons
 * an alert lists. No engine, storage or I/O: the engine gathers examples and stores the model.
 * See docs/payments.md, "Learning from decisions".
 */

export { evaluatePayerModel, type ModelEvaluation, type ReliabilityBin } from './evaluate-payer-model.js';
export { explainScore } from './explain-score.js';
export {
  type PayerModel,
  type PayerModelInput,
  type PayerModelPeers,
  type PayerModelTraining,
  parsePayerModel,
  payerModelFormat,
  payerModelLimits,
  payerModelVersion,
} from './payer-model.js';
export {
  type PayerContribution,
  type PayerScore,
  type ScoredEvent,
  type ScoringModel,
  scoreAccount,
  scorePayer,
} from './score-payer.js';
export { minimumTrainingAccounts, type TrainingOptions, trainPayerModel } from './train-payer-model.js';
export type { TrainingExample } from './training-examples.js';
