import type { PaymentParty, PaymentRecord } from '../payments/index.js';

/**
 * A record as a bank's plain pacs.008 export carries it (the `plain-bank` profile): the id, the
 * acceptance time with the payer's UTC offset (and the local hour read from it), amount and
 * currency, payer and payee accounts, names and countries, and the payer's KYC birth date and
 * birth country. Everything else is dropped: Prevail's extension (channel, declared relationship,
 * merchant category, funding instrument, pick-up document, crypto risk tags), the purpose code and
 * remittance text (the export this profile copies carried neither), and the party types — the
 * payee has no `Cdtr/Id` at all.
 *
 * The payer keeps `type: 'individual'` exactly when it keeps birth data: pacs.008 has birth data
 * only under `Dbtr/Id/PrvtId`, which itself says "a private person", so the JSONL and the pacs.008
 * forms of a plain-bank scenario read back as the same records. A payer without birth data
 * (an employer, a shop) has no type.
 */
export function plainBankRecord(record: PaymentRecord): PaymentRecord {
  const plain: { -readonly [K in keyof PaymentRecord]: PaymentRecord[K] } = {
    id: record.id,
    time: record.time,
    payer: plainParty(record.payer, true),
    payee: plainParty(record.payee, false),
    amount: record.amount,
    currency: record.currency,
  };
  if (record.localHour !== undefined) plain.localHour = record.localHour;
  return plain;
}

/** The party with account, name and country; the payer's birth data (and so its type) when `kyc`. */
function plainParty(party: PaymentParty, kyc: boolean): PaymentParty {
  const plain: { -readonly [K in keyof PaymentParty]: PaymentParty[K] } = { account: party.account };
  if (party.name !== undefined) plain.name = party.name;
  if (party.country !== undefined) plain.country = party.country;
  if (kyc && (party.birthDate !== undefined || party.birthCountry !== undefined)) {
    plain.type = 'individual';
    if (party.birthDate !== undefined) plain.birthDate = party.birthDate;
    if (party.birthCountry !== undefined) plain.birthCountry = party.birthCountry;
  }
  return plain;
}
