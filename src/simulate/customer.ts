import type { PaymentChannel, PaymentParty } from '../payments/index.js';
import { dayMs } from './clock.js';
import type { PaymentDraft } from './payment-draft.js';
import type { Random } from './random.js';
import { type Country, country as countryOf, localAmount } from './world.js';

/**
 * One payer account of the population: who the customer is (the KYC the records carry), where
 * they live, the clock their channel records and the instruments that fund their payments.
 * Built once when the population is drawn; behaviours only read it.
 */
export interface Customer {
  /** Position in the population (0-based): the key of every random stream of this customer. */
  readonly index: number;
  readonly account: string;
  /** The customer as payer: name, country, birth date and birth country (KYC). */
  readonly party: PaymentParty;
  /** The customer as payee: the same account without KYC fields. */
  readonly asPayee: PaymentParty;
  readonly country: Country;
  readonly offsetMinutes: number;
  readonly age: number;
  readonly surname: string;
  /** Funding instruments: card, bank account, wallet; offenders with F11 have extra ones. */
  readonly card: string;
  readonly bank: string;
  readonly wallet: string;
  readonly extraInstruments: readonly string[];
}

/** What a new customer looks like; the population decides every field. */
export interface CustomerFacts {
  readonly index: number;
  readonly account: string;
  readonly countryCode: string;
  readonly birthCountry: string;
  readonly age: number;
  readonly surname: string;
  readonly extraInstruments?: number;
  readonly start: number;
  /** A fixed birth date (`YYYY-MM-DD`) instead of one drawn from `age`. */
  readonly birthDate?: string;
}

/**
 * Builds a customer; `random` picks the offset among the country's and the exact birth date (the
 * customer is `age` on the window's first day).
 */
export function createCustomer(facts: CustomerFacts, random: Random): Customer {
  const country = countryOf(facts.countryCode);
  const drawn = new Date(facts.start - (facts.age * 365.25 + random.between(1, 364)) * dayMs)
    .toISOString()
    .slice(0, 10);
  const birthDate = facts.birthDate ?? drawn;
  const number = facts.account.slice(5).replace(/^0+(?=\d)/, '');
  const name = `Test Payer ${number} ${facts.surname}`;
  const asPayee: PaymentParty = { account: facts.account, name, country: country.code, type: 'individual' };
  return {
    index: facts.index,
    account: facts.account,
    party: { ...asPayee, birthDate, birthCountry: facts.birthCountry },
    asPayee,
    country,
    offsetMinutes: random.pick(country.offsets),
    age: facts.age,
    surname: facts.surname,
    card: `card-${number}-1`,
    bank: `bank-${number}-1`,
    wallet: `wallet-${number}-1`,
    extraInstruments: Array.from({ length: facts.extraInstruments ?? 0 }, (_, extra) =>
      extra % 2 === 0 ? `card-${number}-${extra + 2}` : `wallet-${number}-${extra + 2}`,
    ),
  };
}

/** The optional fields of a payment a behaviour decides. */
export interface PaymentDetails {
  readonly channel: PaymentChannel;
  /** Round the amount to a step that looks round in the payer's currency. */
  readonly round?: boolean;
  readonly remittanceInfo?: string | undefined;
  readonly purpose?: string | undefined;
  readonly declaredRelationship?: string | undefined;
  readonly merchantCategory?: string | undefined;
  readonly cryptoRiskTags?: readonly string[] | undefined;
  /** Defaults to the customer's instrument for the channel. */
  readonly fundingInstrument?: string | undefined;
  readonly payeeDocument?: string | undefined;
  /** Defaults to the customer's own offset (card spend abroad records the terminal's). */
  readonly offsetMinutes?: number;
}

/** The instrument a customer uses by default on `channel`. */
export function defaultInstrument(customer: Customer, channel: PaymentChannel): string {
  switch (channel) {
    case 'card':
    case 'gift_card':
    case 'atm':
      return customer.card;
    case 'p2p_wallet':
    case 'crypto':
      return customer.wallet;
    default:
      return customer.bank;
  }
}

/** A draft from `customer` to `payee` of `usd` US dollars worth, in the customer's currency. */
export function customerPayment(
  customer: Customer,
  at: number,
  payee: PaymentParty,
  usd: number,
  details: PaymentDetails,
): PaymentDraft {
  return {
    at,
    offsetMinutes: details.offsetMinutes ?? customer.offsetMinutes,
    payer: customer.party,
    payee,
    amount: localAmount(usd, customer.country.currency, details.round === true),
    currency: customer.country.currency,
    channel: details.channel,
    remittanceInfo: details.remittanceInfo,
    purpose: details.purpose,
    declaredRelationship: details.declaredRelationship,
    merchantCategory: details.merchantCategory,
    cryptoRiskTags: details.cryptoRiskTags,
    fundingInstrument: details.fundingInstrument ?? defaultInstrument(customer, details.channel),
    payeeDocument: details.payeeDocument,
  };
}

/** A fake identity-document number for cash pick-up, `DOC-PH-48213977`. */
export function documentNumber(random: Random, countryCode: string): string {
  return `DOC-${countryCode}-${random.integer(10_000_000, 99_999_999)}`;
}
