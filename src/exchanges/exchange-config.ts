import { EngineError } from '../core/index.js';
import { type ExchangeField, printable } from './exchange-kind.js';

/** Longest string a configuration or credential field takes. */
export const maxFieldLength = 4096;

/**
 * Checks a configuration (or credentials) object against a kind's fields: a JSON object, no
 * field it does not know, required fields present, each value of its field's type (strings at
 * most {@link maxFieldLength} characters without NUL or other control characters; numbers
 * finite; enums among their choices; `set_of_number` a list of whole numbers, HMA's `set[int]`).
 * Missing optional fields take their default.
 *
 * @throws EngineError `EXCHANGE_INVALID` naming the first bad field.
 */
export function checkFields(
  what: string,
  fields: readonly ExchangeField[],
  input: unknown,
): Readonly<Record<string, unknown>> {
  const source = input === undefined || input === null ? {} : input;
  if (typeof source !== 'object' || Array.isArray(source)) {
    throw new EngineError('EXCHANGE_INVALID', `${what} must be a JSON object`);
  }
  const given = source as Record<string, unknown>;
  const known = new Set(fields.map((field) => field.name));
  for (const name of Object.keys(given)) {
    if (!known.has(name)) {
      throw new EngineError(
        'EXCHANGE_INVALID',
        `${what} has no field '${printable(name)}'; known: ${[...known].join(', ') || 'none'}`,
      );
    }
  }
  const checked: Record<string, unknown> = {};
  for (const field of fields) {
    const value = given[field.name];
    if (value === undefined || value === null) {
      if (field.required) throw new EngineError('EXCHANGE_INVALID', `${what}: field '${field.name}' is required`);
      if (field.default !== null && field.default !== undefined) checked[field.name] = field.default;
      continue;
    }
    checked[field.name] = checkValue(what, field, value);
  }
  return checked;
}

function checkValue(what: string, field: ExchangeField, value: unknown): unknown {
  const bad = (expected: string) =>
    new EngineError('EXCHANGE_INVALID', `${what}: field '${field.name}' must be ${expected}`);
  switch (field.type) {
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER) {
        throw bad('a finite number');
      }
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw bad('true or false');
      return value;
    case 'enum':
      if (typeof value !== 'string' || !(field.choices ?? []).includes(value)) {
        throw bad(`one of ${(field.choices ?? []).join(', ')}`);
      }
      return value;
    case 'set_of_number':
    case 'list_of_number':
      if (!Array.isArray(value) || value.length > 10_000) throw bad('a list of at most 10,000 whole numbers');
      return value.map((item) => {
        if (typeof item !== 'number' || !Number.isSafeInteger(item) || item < 0) {
          throw bad('a list of whole numbers from 0');
        }
        return item;
      });
    case 'list_of_string':
      if (!Array.isArray(value) || value.length > 1000) throw bad('a list of at most 1,000 strings');
      return value.map((item) => checkString(item, bad));
    default:
      return checkString(value, bad);
  }
}

function checkString(value: unknown, bad: (expected: string) => EngineError): string {
  if (typeof value !== 'string' || value.length > maxFieldLength || /[\p{Cc}]/u.test(value)) {
    throw bad(`a string of at most ${maxFieldLength} characters without control characters`);
  }
  return value;
}
