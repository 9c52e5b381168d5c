/**
 * How Python prints JSON values, for error texts that HMA 1.1.7 builds from Python objects
 * (pydantic's `input_value=…, input_type=…`, `TypeError` messages). Reproducing them keeps the
 * `message` of HMA's 400 answers recognisable to anyone who compares the two servers.
 */

/** Python's type name of a decoded JSON value (`int`, `str`, `dict`, `NoneType`, …). */
export function pythonTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'string') return 'str';
  return Array.isArray(value) ? 'list' : 'dict';
}

/** Python's `repr` of a decoded JSON value (`'text'`, `True`, `None`, `{'a': 1}`). */
export function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([key, item]) => `'${key}': ${pythonRepr(item)}`)
    .join(', ')}}`;
}
