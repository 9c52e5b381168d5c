/**
 * Payments: the common payment record, its inputs and outputs (ISO 20022, Tazama JSON, CSV,
 * JSONL), the mapping to the engine's `payment.sent` event, the scenario generator, and batch
 * screening and its evaluation for back-testing the OCSE pack, and the OCSE payments rule pack
 * itself (`ocse-pack/`, registered with the engine by the composition root).
 */
export * from './ingest/index.js';
export * from './ocse-pack/index.js';
export { fromPaymentEvent, type PaymentEventInput, paymentRelationshipId, toPaymentEvent } from './payment-event.js';
export {
  type PartyType,
  type PaymentChannel,
  type PaymentParty,
  type PaymentRecord,
  paymentChannels,
} from './payment-record.js';
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
export * from './simulate/index.js';
