import type { PaymentRecord } from '../payment-record.js';
import { Iso20022Reader } from './iso20022-reader.js';
import { type PaymentReadOptions, resolveReadOptions } from './read-options.js';
import { readWhole } from './read-whole.js';

/**
 * Parses an ISO 20022 pacs.008 (FIToFICustomerCreditTransfer, any version `pacs.008.001.xx`)
 * into one `PaymentRecord` per `CdtTrfTxInf`. The element → field mapping is in
 * `docs/payments-input.md`: id from `PmtId/TxId` (else `EndToEndId`, else `InstrId`), time from
 * `AccptncDtTm` (else `GrpHdr/CreDtTm`), amount from `InstdAmt` (else `IntrBkSttlmAmt`), parties
 * from `Dbtr`/`DbtrAcct`/`DbtrAgt` and `Cdtr`/`CdtrAcct`/`CdtrAgt`, extras from the Prevail
 * supplementary-data envelope.
 *
 * All or nothing: any malformed XML, DOCTYPE, undefined entity, missing or invalid field,
 * repeated transaction id or wrong `GrpHdr/NbOfTxs` throws `PAYMENT_INVALID` with its line and
 * column, and no record is returned. Inputs over `maxBytes` (64 MiB by default) throw
 * `INPUT_TOO_LARGE`; for larger files use `readPaymentsFile`.
 *
 * @example parsePacs008(readFileSync('batch.xml')).length // the number of CdtTrfTxInf
 */
export function parsePacs008(xml: string | Buffer, options: PaymentReadOptions = {}): PaymentRecord[] {
  const resolved = resolveReadOptions(options);
  return readWhole(
    xml,
    resolved.maxBytes,
    (output) => new Iso20022Reader('pacs008', output, resolved.maxDepth, resolved.maxTokenLength, resolved.checkEvent),
  );
}

/**
 * Parses an ISO 20022 pain.001 (CustomerCreditTransferInitiation, any version) into one
 * `PaymentRecord` per `CdtTrfTxInf`; each `PmtInf` block gives the debtor of its transactions.
 * The time is `GrpHdr/CreDtTm` (the block's `ReqdExctnDt` is a requested date, not when the
 * payer acted); the amount is `Amt/InstdAmt`. Same rules and errors as `parsePacs008`.
 */
export function parsePain001(xml: string | Buffer, options: PaymentReadOptions = {}): PaymentRecord[] {
  const resolved = resolveReadOptions(options);
  return readWhole(
    xml,
    resolved.maxBytes,
    (output) => new Iso20022Reader('pain001', output, resolved.maxDepth, resolved.maxTokenLength, resolved.checkEvent),
  );
}
