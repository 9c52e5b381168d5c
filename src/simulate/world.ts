/**
 * The fixed geography of a scenario: which countries send and receive, their currencies, the UTC
 * offsets their customers' channels record, and one frozen exchange-rate table from USD. Fixed
 * on purpose: amounts stay comparable across runs and seeds, and the USD bands of the OCSE notes
 * (`notes/ocse-financial-indicators.md`) can be checked on the output with the same table.
 *
 * Offsets ignore daylight saving (a customer keeps one offset for the whole window); that keeps
 * the local hour a pure function of the record's own `time`.
 */

/** A country the scenario uses. */
export interface Country {
  readonly code: string;
  readonly currency: string;
  /** UTC offsets in minutes its customers' channels record (a customer keeps one). */
  readonly offsets: readonly number[];
}

/** Units of each currency per 1 USD (a frozen snapshot, not market data). */
export const unitsPerUsd: Readonly<Record<string, number>> = {
  USD: 1,
  GBP: 0.79,
  EUR: 0.92,
  AUD: 1.52,
  CAD: 1.36,
  SAR: 3.75,
  JPY: 150,
  SGD: 1.34,
  NZD: 1.64,
  PHP: 56,
  THB: 36,
  COP: 4000,
  DOP: 59,
  MXN: 17,
  GHS: 12.5,
  UAH: 39,
  RON: 4.6,
  JMD: 156,
  INR: 83,
  ZAR: 18.5,
  KHR: 4100,
  VND: 24500,
  IDR: 15700,
  NGN: 1500,
  XOF: 605,
  PLN: 4,
  PKR: 280,
  BDT: 110,
  CNY: 7.2,
  KRW: 1330,
  BRL: 5,
  TRY: 32,
  KES: 130,
  MAD: 10,
  LKR: 300,
  NPR: 133,
  CHF: 0.88,
};

const hours = (value: number) => value * 60;

/** Every country the generator knows, by ISO 3166-1 alpha-2 code. */
export const countries: Readonly<Record<string, Country>> = Object.fromEntries(
  (
    [
      ['US', 'USD', [hours(-5), hours(-6), hours(-8)]],
      ['GB', 'GBP', [0]],
      ['AU', 'AUD', [hours(10), hours(8)]],
      ['CA', 'CAD', [hours(-5), hours(-8)]],
      ['DE', 'EUR', [hours(1)]],
      ['SA', 'SAR', [hours(3)]],
      ['JP', 'JPY', [hours(9)]],
      ['SG', 'SGD', [hours(8)]],
      ['FR', 'EUR', [hours(1)]],
      ['NL', 'EUR', [hours(1)]],
      ['NZ', 'NZD', [hours(12)]],
      ['PH', 'PHP', [hours(8)]],
      ['TH', 'THB', [hours(7)]],
      ['CO', 'COP', [hours(-5)]],
      ['DO', 'DOP', [hours(-4)]],
      ['MX', 'MXN', [hours(-6)]],
      ['GH', 'GHS', [0]],
      ['UA', 'UAH', [hours(2)]],
      ['RO', 'RON', [hours(2)]],
      ['JM', 'JMD', [hours(-5)]],
      ['IN', 'INR', [330]],
      ['ZA', 'ZAR', [hours(2)]],
      ['KH', 'KHR', [hours(7)]],
      ['VN', 'VND', [hours(7)]],
      ['ID', 'IDR', [hours(7)]],
      ['NG', 'NGN', [hours(1)]],
      ['CI', 'XOF', [0]],
      ['PL', 'PLN', [hours(1)]],
      ['PK', 'PKR', [hours(5)]],
      ['BD', 'BDT', [hours(6)]],
      ['CN', 'CNY', [hours(8)]],
      ['KR', 'KRW', [hours(9)]],
      ['BR', 'BRL', [hours(-3)]],
      ['TR', 'TRY', [hours(3)]],
      ['KE', 'KES', [hours(3)]],
      ['MA', 'MAD', [hours(1)]],
      ['LK', 'LKR', [330]],
      ['NP', 'NPR', [345]],
      ['ES', 'EUR', [hours(1)]],
      ['IT', 'EUR', [hours(1)]],
      ['CH', 'CHF', [hours(1)]],
    ] as const
  ).map(([code, currency, offsets]) => [code, { code, currency, offsets }]),
);

/** The country record for `code`; throws on a code the table does not hold (a generator bug). */
export function country(code: string): Country {
  const found = countries[code];
  if (found === undefined) throw new RangeError(`unknown country ${code}`);
  return found;
}

/**
 * Where payers live, weighted after the sending side reported by the Philippine AMLC (United
 * States about half, then UK, Australia, Canada, Saudi Arabia, Germany, Japan, Singapore, France,
 * Netherlands). The weights shape a plausible population, they are not statistics.
 */
export const senderCountryWeights: readonly (readonly [string, number])[] = [
  ['US', 40],
  ['GB', 12],
  ['AU', 10],
  ['CA', 9],
  ['DE', 7],
  ['SA', 5],
  ['JP', 5],
  ['SG', 4],
  ['FR', 4],
  ['NL', 4],
];

/**
 * The high-risk OCSE corridor the generator plants into and also sends legitimate remittances to:
 * FINTRAC 2020/2025 destination lists and FINTRAC 2025 weaker-protection list, as in
 * `notes/ocse-financial-indicators.md` F01. Weights skew to the Philippines as every source does.
 */
export const highRiskCountryWeights: readonly (readonly [string, number])[] = [
  ['PH', 34],
  ['TH', 9],
  ['CO', 8],
  ['DO', 6],
  ['MX', 7],
  ['GH', 4],
  ['UA', 4],
  ['RO', 4],
  ['JM', 3],
  ['IN', 7],
  ['ZA', 3],
  ['KH', 3],
  ['VN', 4],
  ['ID', 4],
];

/**
 * The corridor countries the generator plants into, as a set of codes. The generator's own list,
 * for generating and for checking what it generated: rules read their own versioned, sourced list.
 */
export const highRiskCountries: ReadonlySet<string> = new Set(highRiskCountryWeights.map(([code]) => code));

/** Ordinary remittance and study destinations (not on the corridor list). */
export const ordinaryReceivingCountryWeights: readonly (readonly [string, number])[] = [
  ['PL', 6],
  ['PK', 6],
  ['BD', 5],
  ['CN', 5],
  ['KR', 3],
  ['BR', 4],
  ['TR', 3],
  ['KE', 3],
  ['MA', 3],
  ['LK', 2],
  ['NP', 2],
  ['ES', 2],
  ['IT', 2],
];

/** Where financially motivated sextortion payments go, after public reporting (FinCEN 2025): data only. */
export const sextortionDestinationWeights: readonly (readonly [string, number])[] = [
  ['NG', 45],
  ['CI', 20],
  ['PH', 20],
  ['GH', 10],
  ['IN', 5],
];

/** Study destinations for tuition payments (ordinary and corridor countries). */
export const studyCountryWeights: readonly (readonly [string, number])[] = [
  ['GB', 14],
  ['US', 14],
  ['AU', 10],
  ['CA', 10],
  ['DE', 5],
  ['NL', 4],
  ['PH', 10],
  ['IN', 8],
  ['UA', 4],
  ['RO', 4],
  ['MX', 3],
  ['TH', 4],
  ['CN', 4],
];

/** Converts `usd` to `currency`'s major unit with the frozen table (not rounded). */
export function fromUsd(usd: number, currency: string): number {
  const rate = unitsPerUsd[currency];
  if (rate === undefined) throw new RangeError(`unknown currency ${currency}`);
  return usd * rate;
}

/** Converts an amount in `currency` to USD with the frozen table. */
export function toUsd(amount: number, currency: string): number {
  const rate = unitsPerUsd[currency];
  if (rate === undefined) throw new RangeError(`unknown currency ${currency}`);
  return amount / rate;
}

/** Currencies without minor units in practice (amounts are whole numbers). */
const wholeUnitCurrencies = new Set(['JPY', 'KRW', 'KHR', 'VND', 'IDR', 'COP', 'XOF']);

/**
 * `usd` in `currency`: exact to the minor unit, or, when `round`, to a "round" step that looks
 * round to a person paying in that currency (10 units for USD-like currencies, 1,000 yen, 500 pesos).
 */
export function localAmount(usd: number, currency: string, round: boolean): number {
  const value = fromUsd(usd, currency);
  if (round) {
    const step = roundStep(currency);
    return Math.max(step, Math.round(value / step) * step);
  }
  if (wholeUnitCurrencies.has(currency)) return Math.max(1, Math.round(value));
  return Math.max(0.01, Math.round(value * 100) / 100);
}

/** The step a round amount is a multiple of in `currency` (about 5–20 USD worth). */
export function roundStep(currency: string): number {
  const rate = unitsPerUsd[currency] ?? 1;
  if (rate < 2) return 10;
  const magnitude = 10 ** Math.floor(Math.log10(rate * 10));
  return magnitude;
}
