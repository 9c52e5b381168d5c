/**
 * Flask's JSON provider sorts object keys (`sort_keys=True`), so every object HMA 1.1.7 returns
 * through `jsonify` has its keys in code-point order. No known client depends on key order, but
 * tests and tools that compare raw response text do; answers built from maps go through this.
 */
export function sortKeys<T>(record: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
