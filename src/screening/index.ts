/**
 * Screening: batch screening of payment records through a throwaway signals engine with the OCSE
 * payments pack, and its evaluation against a scenario's labels (precision, recall, alert rate)
 * for back-testing. Split from `payments/` because it needs the engine and storage, which the
 * payment record and its readers and writers must not pull in.
 */
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
