import { z } from 'zod';

/**
 * zod schemas for values that arrive as text in a query string or a path and mean a number or a
 * yes/no. Only these convert text: body fields are never coerced (a JSON `123` stays a number
 * and is refused where text is wanted), which the former JSON Schema validator got wrong.
 */

/** Text that reads as a number (`"12"`, `"1e3"`) becomes that number; anything else is left to fail. */
function numberFromText(value: unknown): unknown {
  if (typeof value !== 'string' || value.trim() === '') return value;
  const number = Number(value);
  return Number.isNaN(number) ? value : number;
}

/**
 * A whole number from the query string or path, within `[minimum, maximum]`. Non-finite values
 * (`?limit=1e999` reads as Infinity) are refused: zod numbers are finite.
 */
export function queryInteger(minimum: number, maximum: number = Number.MAX_SAFE_INTEGER) {
  return z.preprocess(numberFromText, z.number().int().min(minimum).max(maximum));
}

/** `true` or `false` from the query string (the words only, as before). */
export function queryBoolean() {
  return z.preprocess((value) => (value === 'true' ? true : value === 'false' ? false : value), z.boolean());
}
