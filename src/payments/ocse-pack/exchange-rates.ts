/**
 * US dollars per unit of each currency, for the indicator bands the guidance states in USD/AUD/
 * EUR. Approximate mid-market rates (2026-11); bands are wide, so a few percent of drift does not
 * move a decision. An operator with its own rates passes them in `packs.yaml`
 * (`ocse_payments.settings.usd_rates`). A currency missing from the table makes amount-based
 * indicators not apply to that payment (never a guess).
 */
export const defaultUsdRates: Readonly<Record<string, number>> = {
  USD: 1,
  EUR: 1.08,
  GBP: 1.27,
  AUD: 0.66,
  CAD: 0.73,
  NZD: 0.6,
  CHF: 1.13,
  JPY: 0.0067,
  SGD: 0.75,
  SAR: 0.27,
  AED: 0.27,
  HKD: 0.13,
  SEK: 0.095,
  NOK: 0.093,
  DKK: 0.145,
  PHP: 0.017,
  THB: 0.028,
  COP: 0.00025,
  DOP: 0.017,
  MXN: 0.055,
  GHS: 0.065,
  UAH: 0.024,
  RON: 0.22,
  JMD: 0.0064,
  RUB: 0.011,
  INR: 0.012,
  ZAR: 0.055,
  KHR: 0.00025,
  VND: 0.00004,
  IDR: 0.000063,
  NGN: 0.00065,
  XOF: 0.0017,
  CNY: 0.14,
  KRW: 0.00073,
  BRL: 0.18,
};
