/**
 * Payments ingestion: ISO 20022 pacs.008 and pain.001 XML, Tazama's pacs.008 JSON, SWIFT MT103,
 * CSV and JSON Lines in, `PaymentRecord`s out; pacs.008 and JSON Lines back out for the scenario generator.
 * Whole inputs are read all or nothing (`readPayments`, `parsePacs008`...); files and streams of
 * any size in batches (`streamPayments`, `readPaymentsFile`), with `validatePaymentsFile` as the
 * all-or-nothing pass before them. Every problem is `PAYMENT_INVALID` with its position. XML is
 * streamed through saxes with DTDs refused outright. Formats, mapping tables, the Prevail
 * supplementary-data extension and the security rules are in `docs/payments-input.md`.
 */

export type { PaymentEventCheck, PaymentEventProblem } from './event-check.js';
export { parsePaymentCsv } from './parse-csv.js';
export { parsePacs008, parsePain001 } from './parse-iso20022.js';
export { parsePaymentJsonl } from './parse-jsonl.js';
export { parseMt103 } from './parse-mt103.js';
export { parseTazamaPacs008 } from './parse-tazama.js';
export {
  type PaymentColumn,
  type PaymentColumnMapping,
  paymentColumns,
  requiredPaymentColumns,
} from './payment-columns.js';
export { localHourOf } from './payment-fields.js';
export { detectPaymentFormat, type PaymentFormat, parsePaymentFormat, paymentFormats } from './payment-format.js';
export { readPaymentsFile, validatePaymentsFile } from './payments-file.js';
export { defaultMaxPaymentBytes, type PaymentReadOptions } from './read-options.js';
export { readPayments, streamPayments } from './read-payments.js';
export { writePaymentJsonl } from './write-jsonl.js';
export {
  formatAmount,
  type Pacs008ChunkOptions,
  type Pacs008WriteOptions,
  pacs008Chunks,
  pacs008Namespace,
  prevailExtensionNamespace,
  writePacs008,
} from './write-pacs008.js';
