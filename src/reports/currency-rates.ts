/**
 * The one currency conversion of every report format: the filer's table of rates, source
 * currency → target currency → units of the target per unit of the source, e.g.
 * `{ SAR: { PHP: 14.9, USD: 0.2667 } }`. goAML converts to the reporting entity's local currency
 * (`amount_local`), FinCEN to USD. A rate is used only as written (no inverse, no cross rate):
 * the rate on a filed report must be the one the books show, so the filer writes it.
 */
export type CurrencyRates = Readonly<Record<string, Readonly<Record<string, number>>>>;

/** `amount` in `to`, rounded to cents; undefined when the table has no `from` → `to` rate. */
export function convertAmount(amount: number, from: string, to: string, rates: CurrencyRates): number | undefined {
  if (from === to) return amount;
  const rate = rates[from]?.[to];
  return rate === undefined ? undefined : Math.round(amount * rate * 100) / 100;
}

/** Where a missing rate is written in the filer YAML, as the problem names it. */
export function missingRateField(from: string, to: string): string {
  return `currency.rates.${from}.${to}`;
}
