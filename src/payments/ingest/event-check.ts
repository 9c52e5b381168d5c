import { type PaymentEventInput, toPaymentEvent } from '../payment-event.js';
import type { PaymentRecord } from '../payment-record.js';
import type { FieldFailure, PaymentDraft, PaymentDraftField } from './payment-fields.js';
import { quoted } from './payment-invalid.js';

/** One reason an event was refused: the path of the bad field (`entities.payment_account`) and what is wrong. */
export interface PaymentEventProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * The checks the engine applies to an event before it stores it (`SignalsEngine.check`), run on
 * each payment's `payment.sent` event while the input is read: the validation pass then refuses
 * what ingestion would refuse, so a message is stored whole or not at all. Empty = accepted.
 */
export type PaymentEventCheck = (event: PaymentEventInput) => readonly PaymentEventProblem[];

/** The event's entity roles, back to the record field they come from. */
const fieldOfEntity: Readonly<Record<string, PaymentDraftField>> = {
  payment_account: 'payerAccount',
  payee_account: 'payeeAccount',
  payee_document: 'payeeDocument',
  payment_relationship: 'payerAccount',
};

const draftFields: ReadonlySet<string> = new Set<keyof PaymentDraft>([
  'id',
  'time',
  'amount',
  'currency',
  'localHour',
  'payerAccount',
  'payerName',
  'payerCountry',
  'payerType',
  'payerBirthDate',
  'payerBirthCountry',
  'payerAgentBic',
  'payeeAccount',
  'payeeName',
  'payeeCountry',
  'payeeType',
  'payeeBirthDate',
  'payeeBirthCountry',
  'payeeAgentBic',
  'remittanceInfo',
  'purpose',
  'categoryPurpose',
  'localInstrument',
  'serviceLevel',
  'instructionCodes',
  'channel',
  'declaredRelationship',
  'merchantCategory',
  'fundingInstrument',
  'payeeDocument',
  'cryptoRiskTags',
]);

/** The record field an event path comes from (`data.payer_country` → `payerCountry`); the id when none does. */
function fieldOfEventPath(path: string): PaymentDraftField {
  const [head, name] = path.split('.');
  if (head === 'time') return 'time';
  if (head === 'entities' && name !== undefined) return fieldOfEntity[name] ?? 'id';
  if (head === 'data' && name !== undefined) {
    const camel = name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
    if (draftFields.has(camel)) return camel as PaymentDraftField;
  }
  return 'id';
}

/**
 * Runs `check` on the event `record` becomes and reports the first problem through `fail`, on
 * the record field it comes from, naming the transaction and the event field:
 * `DbtrAcct/Id/Othr/Id: transaction "E-6" is refused by the engine: entities.payment_account: …`.
 */
export function checkPaymentEvent(record: PaymentRecord, check: PaymentEventCheck, fail: FieldFailure): void {
  const problem = check(toPaymentEvent(record))[0];
  if (problem === undefined) return;
  fail(
    fieldOfEventPath(problem.path),
    `transaction ${quoted(record.id)} is refused by the engine: ${problem.path}: ${problem.message}`,
  );
}
