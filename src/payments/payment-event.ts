import type { PaymentRecord } from './payment-record.js';

/** The `payment.sent` event input (as `SignalsEngine.ingest` takes it) for one payment. */
export interface PaymentEventInput {
  readonly id: string;
  readonly type: 'payment.sent';
  readonly time: string;
  readonly entities: Readonly<Record<string, string>>;
  readonly data: Readonly<Record<string, unknown>>;
}

/**
 * Maps a payment to the engine's `payment.sent` event: the payer is `payment_account`, the payee
 * `payee_account` (both entities of type `payment_account`), a cash pick-up document
 * `payee_document`, and the pair itself `payment_relationship` (`<payer>→<payee>`, Tazama's
 * "transaction relationship"), so features can tell a payer's first payment to a payee. The event id is `payment:<record id>`, so ingesting a file twice is a no-op.
 * Only fields the record has are set; names travel for reports and are never rule inputs.
 */
export function toPaymentEvent(record: PaymentRecord): PaymentEventInput {
  const entities: Record<string, string> = {
    payment_account: record.payer.account,
    payee_account: record.payee.account,
  };
  if (record.payeeDocument !== undefined) entities.payee_document = record.payeeDocument;
  entities.payment_relationship = paymentRelationshipId(record.payer.account, record.payee.account);
  const data: Record<string, unknown> = { amount: record.amount, currency: record.currency };
  const set = (key: string, value: unknown) => {
    if (value !== undefined) data[key] = value;
  };
  set('payer_country', record.payer.country);
  set('payee_country', record.payee.country);
  set('purpose', record.purpose);
  set('category_purpose', record.categoryPurpose);
  set('local_instrument', record.localInstrument);
  set('service_level', record.serviceLevel);
  set('instruction_codes', record.instructionCodes);
  set('payer_agent_bic', record.payer.agentBic);
  set('payee_agent_bic', record.payee.agentBic);
  set('remittance_info', record.remittanceInfo);
  set('local_hour', record.localHour);
  set('payer_type', record.payer.type);
  set('payee_type', record.payee.type);
  set('payer_birth_date', record.payer.birthDate);
  set('payer_birth_country', record.payer.birthCountry);
  set('declared_relationship', record.declaredRelationship);
  set('channel', record.channel);
  set('merchant_category', record.merchantCategory);
  set('crypto_risk_tags', record.cryptoRiskTags);
  set('funding_instrument', record.fundingInstrument);
  set('payer_name', record.payer.name);
  set('payee_name', record.payee.name);
  return { id: `payment:${record.id}`, type: 'payment.sent', time: record.time, entities, data };
}

/** The id of the payer→payee pair: the two account ids joined by `→` (which ids never contain in practice). */
export function paymentRelationshipId(payer: string, payee: string): string {
  return `${payer}→${payee}`;
}

/**
 * The payment a `payment.sent` event carries, back as a record (for reports built from a case's
 * timeline): the inverse of `toPaymentEvent` for every field that mapping sets. Undefined when
 * the event is not a payment or lacks its required parts.
 */
export function fromPaymentEvent(event: {
  readonly id: string;
  readonly type: string;
  readonly time: string;
  readonly entities: Readonly<Record<string, string>>;
  readonly data: Readonly<Record<string, unknown>>;
}): PaymentRecord | undefined {
  const { data, entities } = event;
  const payer = entities.payment_account;
  const payee = entities.payee_account;
  if (event.type !== 'payment.sent' || payer === undefined || payee === undefined) return undefined;
  if (typeof data.amount !== 'number' || typeof data.currency !== 'string') return undefined;
  const text = (key: string) => (typeof data[key] === 'string' ? (data[key] as string) : undefined);
  const party = (account: string, fields: Record<string, unknown>) =>
    Object.fromEntries(Object.entries({ account, ...fields }).filter(([, value]) => value !== undefined));
  const record: Record<string, unknown> = {
    id: event.id.startsWith('payment:') ? event.id.slice('payment:'.length) : event.id,
    time: event.time,
    payer: party(payer, {
      name: text('payer_name'),
      country: text('payer_country'),
      type: text('payer_type'),
      birthDate: text('payer_birth_date'),
      birthCountry: text('payer_birth_country'),
      agentBic: text('payer_agent_bic'),
    }),
    payee: party(payee, {
      name: text('payee_name'),
      country: text('payee_country'),
      type: text('payee_type'),
      agentBic: text('payee_agent_bic'),
    }),
    amount: data.amount,
    currency: data.currency,
    localHour: typeof data.local_hour === 'number' ? data.local_hour : undefined,
    remittanceInfo: text('remittance_info'),
    purpose: text('purpose'),
    categoryPurpose: text('category_purpose'),
    localInstrument: text('local_instrument'),
    serviceLevel: text('service_level'),
    instructionCodes: Array.isArray(data.instruction_codes) ? data.instruction_codes : undefined,
    channel: text('channel'),
    declaredRelationship: text('declared_relationship'),
    merchantCategory: text('merchant_category'),
    cryptoRiskTags: Array.isArray(data.crypto_risk_tags) ? data.crypto_risk_tags : undefined,
    fundingInstrument: text('funding_instrument'),
    payeeDocument: entities.payee_document,
  };
  return Object.fromEntries(
    Object.entries(record).filter(([, value]) => value !== undefined),
  ) as unknown as PaymentRecord;
}
