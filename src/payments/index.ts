/**
 * Payments, the pure core: the common payment record, its inputs and outputs (ISO 20022, Tazama
 * JSON, SWIFT MT103, CSV, JSONL) and the mapping to and from the engine's `payment.sent` event. This door
 * imports neither the engine nor storage (only `core`), so `reports`, `simulate` and the routes
 * can use payment records without pulling in screening; batch screening lives in `screening/`
 * and the scenario generator in `simulate/` (see docs/architecture.md). Also the OCSE payments
 * rule pack (`ocse-pack/`), registered with the engine by the composition root; it reaches the
 * rule-pack contract, rules, features and typologies, never the engine. And the payer model that
 * learns from case decisions (`learning/`): training, scoring with reasons, evaluation.
 */
export * from './ingest/index.js';
export * from './learning/index.js';
export * from './ocse-pack/index.js';
export { fromPaymentEvent, type PaymentEventInput, paymentRelationshipId, toPaymentEvent } from './payment-event.js';
export {
  type PartyType,
  type PaymentChannel,
  type PaymentParty,
  type PaymentRecord,
  paymentChannels,
} from './payment-record.js';
