import type { PaymentParty } from '../payments/index.js';
import type { Random } from './random.js';
import { countries, highRiskCountryWeights, senderCountryWeights, studyCountryWeights } from './world.js';

/**
 * Account ids and the organisations every scenario shares (utilities, merchants, hotels, ATM
 * networks, schools, crypto exchanges), created once when the population is drawn so that ids
 * never depend on the order payments are generated in. Payer accounts are `acct-000000` to
 * `acct-(N-1)`; every other account (payees, organisations) is numbered after them.
 */
export class AccountNumbers {
  #next: number;
  constructor(first: number) {
    this.#next = first;
  }
  /** A fresh account id, `acct-000123` (more digits past a million accounts). */
  next(): string {
    return accountId(this.#next++);
  }
  /** How many ids were handed out in total (payers included). */
  get count(): number {
    return this.#next;
  }
}

/** The account id of number `number`. */
export function accountId(number: number): string {
  return `acct-${String(number).padStart(6, '0')}`;
}

/** Card merchant categories bought at home (the operator's category list, strings are data). */
export const homeMerchantCategories = [
  'RETAIL',
  'GROCERY',
  'RESTAURANT',
  'FUEL',
  'PHARMACY',
  'ELECTRONICS',
  'TRAVEL',
  'AIRLINE',
] as const;

/** Online merchant categories sold from abroad; the F08 categories are among them on purpose. */
export const onlineMerchantCategories = [
  'STREAMING',
  'GAMING',
  'VPN_ANON',
  'FILE_HOSTING',
  'LIVESTREAM_WEBCAM',
  'DATING',
  'SPY_CAPTURE',
] as const;

/** Categories of card spend on a trip. */
export const tripMerchantCategories = ['HOTEL', 'RESTAURANT', 'RETAIL', 'JEWELLERY', 'TRANSPORT'] as const;

type HomeCategory = (typeof homeMerchantCategories)[number];
type OnlineCategory = (typeof onlineMerchantCategories)[number];
type TripCategory = (typeof tripMerchantCategories)[number];

const utilityKinds = [
  ['Power Co', 'electricity bill'],
  ['Phone Co', 'phone bill'],
  ['Water Board', 'water bill'],
  ['Internet Co', 'internet'],
  ['Insurance Co', 'insurance premium'],
] as const;

/** A utility a customer pays monthly, with the reference its bills carry. */
export interface Utility {
  readonly party: PaymentParty;
  readonly reference: string;
}

/** The shared organisations of one scenario. */
export class Directory {
  readonly numbers: AccountNumbers;
  readonly #utilities = new Map<string, Utility[]>();
  readonly #merchants = new Map<string, PaymentParty[]>();
  readonly #atms = new Map<string, PaymentParty>();
  readonly #cashAgents = new Map<string, PaymentParty>();
  readonly #schools = new Map<string, PaymentParty[]>();
  readonly cryptoExchanges: readonly PaymentParty[];
  readonly airlines: readonly PaymentParty[];
  #organisationNumber = 0;

  constructor(numbers: AccountNumbers, random: Random) {
    this.numbers = numbers;
    const senders = senderCountryWeights.map(([code]) => code);
    const tripCountries = [...new Set([...highRiskCountryWeights.map(([code]) => code), 'NG', 'CI'])];
    for (const code of senders) {
      this.#utilities.set(
        code,
        utilityKinds.map(([kind, reference]) => ({ party: this.organisation(`${kind}`, code), reference })),
      );
      for (const category of homeMerchantCategories) this.#addMerchants(code, category, 3);
    }
    for (const category of onlineMerchantCategories) {
      this.#merchants.set(
        `*:${category}`,
        [0, 1, 2].map(() => this.organisation(`${titleOf(category)} Service`, random.pick(['NL', 'US', 'SG', 'CH']))),
      );
    }
    for (const code of tripCountries)
      for (const category of tripMerchantCategories) this.#addMerchants(code, category, 3);
    for (const code of Object.keys(countries)) {
      this.#atms.set(code, this.organisation('ATM Network', code));
      this.#cashAgents.set(code, this.organisation('Cash Agent', code));
    }
    for (const [code] of studyCountryWeights) {
      this.#schools.set(
        code,
        [0, 1, 2].map(() => this.organisation('School', code)),
      );
    }
    this.cryptoExchanges = ['SG', 'US', 'JP'].map((code) => this.organisation('Crypto Exchange', code));
    this.airlines = ['US', 'GB', 'SG', 'DE'].map((code) => this.organisation('Airline', code));
  }

  /** A new organisation account: `Test <kind> <number>` in `country`. */
  organisation(kind: string, country: string): PaymentParty {
    this.#organisationNumber++;
    return {
      account: this.numbers.next(),
      name: `Test ${kind} ${this.#organisationNumber}`,
      country,
      type: 'organisation',
    };
  }

  /** A new private person who only ever receives (a relative, a landlord, a seller). */
  person(role: string, surname: string, country: string | undefined): PaymentParty {
    const account = this.numbers.next();
    const name = `Test ${role} ${account.slice(5).replace(/^0+(?=\d)/, '')} ${surname}`;
    return country === undefined
      ? { account, name, type: 'individual' }
      : { account, name, country, type: 'individual' };
  }

  /** A new crypto receiving address: an account with a name only (no country, no party type). */
  cryptoAddress(): PaymentParty {
    const account = this.numbers.next();
    return { account, name: `Test Wallet ${account.slice(5).replace(/^0+(?=\d)/, '')}` };
  }

  #addMerchants(code: string, category: string, count: number): void {
    this.#merchants.set(
      `${code}:${category}`,
      Array.from({ length: count }, () => this.organisation(titleOf(category), code)),
    );
  }

  /** The utilities of `country` (a sender country). */
  utilities(country: string): readonly Utility[] {
    return required(this.#utilities.get(country), `utilities of ${country}`);
  }

  /** A domestic card merchant of `category` in `country`. */
  homeMerchant(random: Random, country: string, category: HomeCategory): PaymentParty {
    return random.pick(required(this.#merchants.get(`${country}:${category}`), `${category} in ${country}`));
  }

  /** An online merchant of `category` (registered abroad). */
  onlineMerchant(random: Random, category: OnlineCategory): PaymentParty {
    return random.pick(required(this.#merchants.get(`*:${category}`), category));
  }

  /** A merchant of `category` in trip destination `country`. */
  tripMerchant(random: Random, country: string, category: TripCategory): PaymentParty {
    return random.pick(required(this.#merchants.get(`${country}:${category}`), `${category} in ${country}`));
  }

  /** The ATM network of `country`. */
  atm(country: string): PaymentParty {
    return required(this.#atms.get(country), `ATM network of ${country}`);
  }

  /** The cash pick-up agent of `country`. */
  cashAgent(country: string): PaymentParty {
    return required(this.#cashAgents.get(country), `cash agent of ${country}`);
  }

  /** A school in study country `country`. */
  school(random: Random, country: string): PaymentParty {
    return random.pick(required(this.#schools.get(country), `schools of ${country}`));
  }

  /** Every school account (labelled `school_receiver`). */
  allSchools(): PaymentParty[] {
    return [...this.#schools.values()].flat();
  }
}

function titleOf(category: string): string {
  return category
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new RangeError(`the directory has no ${what}`);
  return value;
}
