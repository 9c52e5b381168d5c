import type { FastifyRequest } from 'fastify';

/**
 * Query-string reading with HMA 1.1.7's rules. Flask's `request.args.get` returns the first
 * value of a repeated key, and its models see strings only; the helpers below reproduce the
 * three ways HMA turns those strings into booleans and its `banks=` list.
 */

/** The query string as `name → first value` (Flask's `request.args.get`). */
export function queryOf(request: FastifyRequest): Record<string, string> {
  const raw = request.query;
  const result: Record<string, string> = {};
  if (typeof raw !== 'object' || raw === null) return result;
  for (const [name, value] of Object.entries(raw)) {
    const first: unknown = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') result[name] = first;
  }
  return result;
}

const pydanticTrue = new Set(['1', 'on', 't', 'true', 'y', 'yes']);
const pydanticFalse = new Set(['0', 'f', 'false', 'n', 'no', 'off']);

/**
 * A boolean query field of an HMA pydantic model (`include_distance`, `bypass_coinflip` on GET):
 * `true/1/yes/on/t/y` and `false/0/no/off/f/n`, case-insensitive. `undefined` means pydantic
 * refuses the text (HMA answers 422 `bool_parsing`).
 */
export function parsePydanticBool(text: string): boolean | undefined {
  const lowered = text.trim().toLowerCase();
  if (pydanticTrue.has(lowered)) return true;
  if (pydanticFalse.has(lowered)) return false;
  return undefined;
}

/**
 * `include_signals` / `include_metadata` on `GET /c/bank/<n>/content/<id>`: HMA compares the
 * text case-insensitively to `"true"`, so `1` or `yes` mean false. Absent → `fallback`.
 */
export function isTrueIgnoringCase(text: string | undefined, fallback: boolean): boolean {
  if (text === undefined) return fallback;
  return text.toLowerCase() === 'true';
}

/**
 * HMA's `banks=` filter: `split(",")` with **no trimming** (`"A, B"` does not select `B`); an
 * absent or empty value means no filter.
 */
export function parseBankFilter(text: string | undefined): string[] | undefined {
  if (text === undefined || text === '') return undefined;
  return text.split(',');
}
