/**
 * Screening: batch screening of payment records through a throwaway signals engine with the OCSE
 * payments pack, and its evaluation against a scenario's labels (precision, recall, alert rate)
 * for back-testing, beside the naive baseline screen (night + small + corridor) on the same data.
 * Split from `payments/` because it needs the engine and storage, which the payment record and
 * its readers and writers must not pull in.
 */
export {
  type BaselineComparison,
  type BaselineComparisonRow,
  compareWithBaseline,
  type LegitimateAlertFigures,
} from './baseline-comparison.js';
export {
  type ChatEvaluation,
  type ChatEvaluationOptions,
  defaultChatAlertSource,
  defaultTuneSeeds,
  evaluateChats,
} from './chat/chat-evaluation.js';
export type { ChatAlertSource, ChatEvalLabel, ConversationOutcome } from './chat/chat-evaluation-types.js';
export type { ChatFigures, ChatFigureTable, Latency } from './chat/chat-figures.js';
export { type ChatEventLine, replayChats, withPackEngine } from './chat/chat-replay.js';
export {
  compareModelWithRules,
  type ModelComparison,
  type ModelComparisonSide,
} from './model-comparison.js';
export {
  type CapturedScreening,
  type DecisionLine,
  defaultPeerFeatures,
  screenCapturingModelInputs,
  trainingLabels,
  trainPayerModelOn,
  trainPayerModelOnPayments,
} from './model-training.js';
export {
  NaiveScreen,
  type NaiveScreenSettings,
  naiveMinimumPayments,
  naiveScreenSettings,
  naiveTypology,
} from './naive-screen.js';
export {
  type ScreeningAlert,
  type ScreeningOptions,
  type ScreeningResult,
  screenPayments,
  withScreeningEngine,
} from './payment-screening.js';
export {
  evaluateScreening,
  type KindRecall,
  type LabelLine,
  type ScreeningEvaluation,
  type TypologyFigures,
} from './screening-evaluation.js';
