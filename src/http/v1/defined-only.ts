/**
 * Drops keys whose value is undefined: a zod object's optional fields read `T | undefined`, and
 * the services' inputs (under `exactOptionalPropertyTypes`) take an absent key, not `undefined`.
 */
export function definedOnly<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}
