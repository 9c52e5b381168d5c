import type { PaymentChannel, PaymentParty, PaymentRecord } from '../payments/index.js';
import { formatLocalTime, localHourAt } from './clock.js';

/**
 * A payment before it gets its id and its time string: the UTC instant `at` and the UTC offset
 * of the channel that records it. Behaviours produce drafts; the merge (`merge-drafts.ts`) orders
 * them by `at` and turns each into a `PaymentRecord` with `finishPayment`.
 */
export interface PaymentDraft {
  /** UTC milliseconds, whole seconds. */
  readonly at: number;
  /** The recording channel's UTC offset in minutes (the payer's, or the terminal's abroad). */
  readonly offsetMinutes: number;
  readonly payer: PaymentParty;
  readonly payee: PaymentParty;
  readonly amount: number;
  readonly currency: string;
  readonly channel: PaymentChannel;
  readonly remittanceInfo?: string | undefined;
  readonly purpose?: string | undefined;
  readonly declaredRelationship?: string | undefined;
  readonly merchantCategory?: string | undefined;
  readonly cryptoRiskTags?: readonly string[] | undefined;
  readonly fundingInstrument?: string | undefined;
  readonly payeeDocument?: string | undefined;
}

/**
 * The `PaymentRecord` of `draft` with transaction id `id`: the time carries the offset, the local
 * hour is read from it, and optional fields that are absent (or an empty reference, or no risk
 * tags) are left out, in the key order of `PaymentRecord` — readers treat empty text and empty tag
 * lists as absent, so the records read back equal to what was written.
 */
export function finishPayment(draft: PaymentDraft, id: string): PaymentRecord {
  const record: { -readonly [K in keyof PaymentRecord]: PaymentRecord[K] } = {
    id,
    time: formatLocalTime(draft.at, draft.offsetMinutes),
    payer: draft.payer,
    payee: draft.payee,
    amount: draft.amount,
    currency: draft.currency,
    localHour: localHourAt(draft.at, draft.offsetMinutes),
  };
  if (draft.remittanceInfo !== undefined && draft.remittanceInfo !== '') record.remittanceInfo = draft.remittanceInfo;
  if (draft.purpose !== undefined) record.purpose = draft.purpose;
  record.channel = draft.channel;
  if (draft.declaredRelationship !== undefined) record.declaredRelationship = draft.declaredRelationship;
  if (draft.merchantCategory !== undefined) record.merchantCategory = draft.merchantCategory;
  if (draft.cryptoRiskTags !== undefined && draft.cryptoRiskTags.length > 0)
    record.cryptoRiskTags = draft.cryptoRiskTags;
  if (draft.fundingInstrument !== undefined) record.fundingInstrument = draft.fundingInstrument;
  if (draft.payeeDocument !== undefined) record.payeeDocument = draft.payeeDocument;
  return record;
}
