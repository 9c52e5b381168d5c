import type { BankRecord } from '../../banks/index.js';
import { asJsonObject } from './json-body.js';
import { parsePydanticBool } from './query-params.js';
import {
  boolParsing,
  floatParsing,
  missingField,
  modelType,
  stringType,
  type ValidationIssue,
} from './validation-errors.js';

/**
 * The bank bodies of HMA 1.1.7 (`BankCreateRequest`, `BankUpdateRequest`), read with pydantic's
 * lax coercion so that every real client's spelling is accepted: Coop sends `enabled_ratio` as
 * a string (`"1"`, `"0.5"`), the fetlife gem sends `enabled` as `"true"` plus a
 * `matching_enabled_ratio` key HMA does not know (unknown keys are ignored).
 */

/** HMA's `BankConfig` JSON, keys in Flask's sorted order. */
export interface HmaBankJson {
  readonly matching_enabled_ratio: number;
  readonly name: string;
}

/** The JSON HMA returns for a bank. A ratio of 1.0 serialises as `1` in JavaScript. */
export function bankJson(bank: BankRecord): HmaBankJson {
  return { matching_enabled_ratio: bank.enabledRatio, name: bank.name };
}

type Field<T> = { ok: true; value: T | null } | { ok: false; issue: ValidationIssue };

/** pydantic `Optional[float]`, lax: numbers, booleans and numeric strings; `null` → `null`. */
function optionalFloat(name: string, value: unknown): Field<number> {
  if (value === null || value === undefined) return { ok: true, value: null };
  if (typeof value === 'number') return { ok: true, value };
  if (typeof value === 'boolean') return { ok: true, value: value ? 1 : 0 };
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value.trim());
    if (Number.isFinite(parsed)) return { ok: true, value: parsed };
  }
  return { ok: false, issue: floatParsing(name, value) };
}

/** pydantic `Optional[bool]`, lax: booleans, 0/1, and the usual words (`"true"`, `"off"`, …). */
function optionalBool(name: string, value: unknown): Field<boolean> {
  if (value === null || value === undefined) return { ok: true, value: null };
  if (typeof value === 'boolean') return { ok: true, value };
  if (value === 0 || value === 1) return { ok: true, value: value === 1 };
  if (typeof value === 'string') {
    const parsed = parsePydanticBool(value);
    if (parsed !== undefined) return { ok: true, value: parsed };
  }
  return { ok: false, issue: boolParsing(name, value) };
}

function optionalString(name: string, value: unknown): Field<string> {
  if (value === null || value === undefined) return { ok: true, value: null };
  if (typeof value === 'string') return { ok: true, value };
  return { ok: false, issue: stringType(name, value) };
}

function collect(...fields: Field<unknown>[]): ValidationIssue[] {
  return fields.flatMap((field) => (field.ok ? [] : [field.issue]));
}

/**
 * `POST /c/banks`: `{name, enabled_ratio?, enabled?}`. The ratio is `enabled_ratio` when it is
 * not null, else `enabled` (1.0/0.0), else 1.0; because `enabled_ratio` **defaults to 1.0**,
 * `{"enabled": false}` alone creates a bank at 1.0, exactly as HMA 1.1.7 does.
 */
export function readBankCreate(
  body: unknown,
): { ok: true; name: string; enabledRatio: number } | { ok: false; issues: ValidationIssue[] } {
  const object = asJsonObject(body);
  if (object === undefined) return { ok: false, issues: [modelType('BankCreateRequest', body)] };
  const name: Field<string> =
    object.name === undefined
      ? { ok: false, issue: missingField('name', object) }
      : typeof object.name === 'string'
        ? { ok: true, value: object.name }
        : { ok: false, issue: stringType('name', object.name) };
  const ratio =
    'enabled_ratio' in object ? optionalFloat('enabled_ratio', object.enabled_ratio) : { ok: true as const, value: 1 };
  const enabled = optionalBool('enabled', object.enabled);
  if (!name.ok || name.value === null || !ratio.ok || !enabled.ok)
    return { ok: false, issues: collect(name, ratio, enabled) };
  const enabledRatio = ratio.value ?? (enabled.value === null ? 1 : enabled.value ? 1 : 0);
  return { ok: true, name: name.value, enabledRatio };
}

/**
 * `PUT /c/bank/<name>`: `{name?, enabled?, enabled_ratio?}`. `enabled` sets the ratio to 1 or 0
 * and `enabled_ratio` then overrides it; absent or null fields change nothing.
 */
export function readBankUpdate(
  body: unknown,
): { ok: true; name: string | undefined; enabledRatio: number | undefined } | { ok: false; issues: ValidationIssue[] } {
  const object = asJsonObject(body);
  if (object === undefined) return { ok: false, issues: [modelType('BankUpdateRequest', body)] };
  const name = optionalString('name', object.name);
  const ratio = optionalFloat('enabled_ratio', object.enabled_ratio);
  const enabled = optionalBool('enabled', object.enabled);
  if (!name.ok || !ratio.ok || !enabled.ok) return { ok: false, issues: collect(name, ratio, enabled) };
  const fromEnabled = enabled.value === null ? undefined : enabled.value ? 1 : 0;
  return { ok: true, name: name.value ?? undefined, enabledRatio: ratio.value ?? fromEnabled };
}
