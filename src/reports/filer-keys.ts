/**
 * The filer YAML is written in one naming style, `snake_case`; the builders' TypeScript types
 * are `camelCase`. This converts a filer value's field names between the two. Keys that are
 * data, not field names (account ids under `subjects`, payment channels under `transmode_codes`,
 * typology ids under `typology_indicators`…), are kept as written: the caller names them.
 */

/** `postal_code` → `postalCode`. */
export function snakeToCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/**
 * `postalCode` → `postal_code` (for naming a field in a message). Only a lowerCamelCase
 * identifier is converted: data such as `USD` or `acct-1` is returned as it is.
 */
export function camelToSnake(key: string): string {
  if (!/^[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+$/.test(key)) return key;
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** Where, inside a converted value, the keys are data: the field names (snake_case) whose object's keys stay as written. */
export type DataKeyedFields = ReadonlySet<string>;

/**
 * Converts the field names of `value` (objects, recursively; arrays element by element) from
 * snake_case to camelCase, leaving the keys of the objects held by `dataKeyed` fields as they
 * are (their values are not converted either: they are codes). A field name with an upper-case
 * letter is a problem (`path.fieldName: write field_name`), so the old camelCase spelling fails
 * loudly instead of being ignored.
 */
export function camelCaseFields(
  value: unknown,
  path: string,
  problems: string[],
  dataKeyed: DataKeyedFields = new Set(),
): unknown {
  if (Array.isArray(value))
    return value.map((item, index) => camelCaseFields(item, `${path}.${index}`, problems, dataKeyed));
  if (typeof value !== 'object' || value === null) return value;
  const converted: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const at = path === '' ? key : `${path}.${key}`;
    if (/[A-Z]/.test(key)) problems.push(`${at}: filer keys are snake_case, write ${camelToSnake(key)}`);
    converted[snakeToCamel(key)] = dataKeyed.has(key) ? item : camelCaseFields(item, at, problems, dataKeyed);
  }
  return converted;
}

/** A zod issue path (camelCase field names) as the filer wrote it, e.g. `subjects.acct-1.birth_date`. */
export function filerPath(prefix: string, path: readonly PropertyKey[]): string {
  return [prefix, ...path.map((segment) => (typeof segment === 'string' ? camelToSnake(segment) : String(segment)))]
    .filter((part) => part !== '')
    .join('.');
}
