/**
 * Payments, the pure core: the common payment record, its inputs and outputs (ISO 20022, Tazama
 * JSON, CSV, JSONL) and the mapping to and from the engine's `payment.sent` event. This door
 * imports neither the engine nor storage (only `core`), so `reports`, `simulate` and the routes
 * can use payment records without pulling in screening; batch screening lives in `screening/`
 * and the scenario generator in `simulate/` (see docs/architecture.md).
 */
export * from './ingest/index.js';
export { fromPaymentEvent, type PaymentEventInput, paymentRelationshipId, toPaymentEvent } from './payment-event.js';
export {
  type PartyType,
  type PaymentChannel,
  type PaymentParty,
  type PaymentRecord,
  paymentChannels,
} from './payment-record.js';
