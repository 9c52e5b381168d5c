import type { PaymentDraft, PaymentDraftField } from './payment-fields.js';

/** Where each draft field sits in the nested `PaymentRecord` shape, for error messages. */
export const nestedFieldPath: Readonly<Record<PaymentDraftField, string>> = {
  id: 'id',
  time: 'time',
  amount: 'amount',
  currency: 'currency',
  localHour: 'localHour',
  payerAccount: 'payer.account',
  payerName: 'payer.name',
  payerCountry: 'payer.country',
  payerType: 'payer.type',
  payerBirthDate: 'payer.birthDate',
  payerBirthCountry: 'payer.birthCountry',
  payerAgentBic: 'payer.agentBic',
  payeeAccount: 'payee.account',
  payeeName: 'payee.name',
  payeeCountry: 'payee.country',
  payeeType: 'payee.type',
  payeeBirthDate: 'payee.birthDate',
  payeeBirthCountry: 'payee.birthCountry',
  payeeAgentBic: 'payee.agentBic',
  remittanceInfo: 'remittanceInfo',
  purpose: 'purpose',
  categoryPurpose: 'categoryPurpose',
  localInstrument: 'localInstrument',
  serviceLevel: 'serviceLevel',
  instructionCodes: 'instructionCodes',
  channel: 'channel',
  declaredRelationship: 'declaredRelationship',
  merchantCategory: 'merchantCategory',
  fundingInstrument: 'fundingInstrument',
  payeeDocument: 'payeeDocument',
  cryptoRiskTags: 'cryptoRiskTags',
};

type Loose = { readonly [key: string]: unknown };

function partyOf(value: unknown): Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Loose) : {};
}

/**
 * A draft from an object of the nested `PaymentRecord` shape (camelCase, `payer` and `payee`
 * objects): a record a JSON line held, or a record a writer is about to write and checks first.
 * A `payer` or `payee` that is not an object reads as empty (its account then reads as missing).
 */
export function draftFromNestedObject(object: Loose): PaymentDraft {
  const payer = partyOf(object.payer);
  const payee = partyOf(object.payee);
  return {
    id: object.id,
    time: object.time,
    amount: object.amount,
    currency: object.currency,
    localHour: object.localHour,
    payerAccount: payer.account,
    payerName: payer.name,
    payerCountry: payer.country,
    payerType: payer.type,
    payerBirthDate: payer.birthDate,
    payerBirthCountry: payer.birthCountry,
    payerAgentBic: payer.agentBic,
    payeeAccount: payee.account,
    payeeName: payee.name,
    payeeCountry: payee.country,
    payeeType: payee.type,
    payeeBirthDate: payee.birthDate,
    payeeBirthCountry: payee.birthCountry,
    payeeAgentBic: payee.agentBic,
    remittanceInfo: object.remittanceInfo,
    purpose: object.purpose,
    categoryPurpose: object.categoryPurpose,
    localInstrument: object.localInstrument,
    serviceLevel: object.serviceLevel,
    instructionCodes: object.instructionCodes,
    channel: object.channel,
    declaredRelationship: object.declaredRelationship,
    merchantCategory: object.merchantCategory,
    fundingInstrument: object.fundingInstrument,
    payeeDocument: object.payeeDocument,
    cryptoRiskTags: object.cryptoRiskTags,
  };
}
