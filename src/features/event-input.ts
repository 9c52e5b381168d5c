/**
 * Reading a feature's input out of an event. Shared by the store and the reference
 * recomputation so both accept exactly the same events: a field is present when every step of
 * its path is an own property and the value is neither `undefined` nor `null`.
 */
import type { EngineEvent } from '../events/index.js';

/**
 * The value at `path` in `event` (`['data', 'amount']`), following own properties only, so a
 * path such as `data.constructor` never reaches `Object.prototype`; `undefined` when absent.
 */
export function readPath(event: EngineEvent, path: readonly string[]): unknown {
  let value: unknown = event;
  for (let i = 0; i < path.length; i++) {
    if (typeof value !== 'object' || value === null) return undefined;
    const key = path[i] as string;
    if (!Object.hasOwn(value, key)) return undefined;
    value = (value as Readonly<Record<string, unknown>>)[key];
  }
  return value;
}

/** True when a field value counts as present: not `undefined` and not `null`. */
export function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/**
 * The number sum, min and max take from a field value: a finite number (−0 read as 0, so
 * snapshots, which cannot tell them apart, never change a result), else `undefined`: numeric
 * strings, booleans and non-finite numbers are skipped, not converted.
 */
export function numericInput(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value + 0 : undefined;
}

/**
 * The text distinct compares a field value by: its JSON text (so `1` and `"1"` differ, and equal
 * objects with keys in the same order are equal), or `undefined` when the value is absent or has
 * no JSON text (a function, a symbol, a bigint, a cycle).
 */
export function distinctText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    const text: string | undefined = JSON.stringify(value);
    return text;
  } catch {
    return undefined;
  }
}

/** Starts distinct keys that are not a string's own characters (see `distinctKey`). */
const mark = '\u0000';

/**
 * The key distinct compares a field value by: two keys are equal exactly when the values' JSON
 * texts are, but a string (the common case: ids) is its own key, so the hot path builds no text.
 * Any other value is the mark (U+0000) + its JSON text; a string starting with the mark gets a
 * second one, which no JSON text starts with. `undefined` when absent or without JSON text.
 */
export function distinctKey(value: unknown): string | undefined {
  if (typeof value === 'string') return value.charCodeAt(0) === 0 ? mark + value : value;
  const text = distinctText(value);
  return text === undefined ? undefined : mark + text;
}

/** The JSON text of the value `key` was made from (snapshots store text, not keys). */
export function textOfDistinctKey(key: string): string {
  if (key.charCodeAt(0) !== 0) return JSON.stringify(key);
  return key.charCodeAt(1) === 0 ? JSON.stringify(key.slice(1)) : key.slice(1);
}

/** The key of the value whose JSON text is `text`, or `undefined` for a malformed string text. */
export function distinctKeyOfText(text: string): string | undefined {
  if (!text.startsWith('"')) return mark + text;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'string' ? distinctKey(value) : undefined;
  } catch {
    return undefined;
  }
}
