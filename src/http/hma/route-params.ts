/**
 * Path parameters of the HMA routes. Fastify hands them over decoded but untyped; these read
 * them with Flask's converters: `<bank_name>` is any string, `<int:content_id>` digits only.
 */

/** A string path parameter by name (`''` when absent, which no bank or exchange is called). */
export function stringParam(params: unknown, name: string): string {
  if (typeof params !== 'object' || params === null) return '';
  const value: unknown = Object.getOwnPropertyDescriptor(params, name)?.value;
  return typeof value === 'string' ? value : '';
}

/** The `:bank_name` parameter. */
export function bankNameOf(params: unknown): string {
  return stringParam(params, 'bank_name');
}

/**
 * The `:content_id` parameter as Werkzeug's `int` converter reads it: ASCII digits only, so
 * `abc` and `-1` do not match the route (HMA answers 404). `undefined` when it does not match.
 */
export function contentIdOf(params: unknown): number | undefined {
  const id = typeof params === 'object' && params !== null && 'content_id' in params ? params.content_id : undefined;
  if (typeof id !== 'string' || !/^[0-9]+$/.test(id)) return undefined;
  const value = Number(id);
  return Number.isSafeInteger(value) ? value : undefined;
}
