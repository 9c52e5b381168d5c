/** Rows per multi-row statement: well under SQLite's 32,766 bound parameters. */
export const chunkSize = 200;

/** `items` cut into consecutive slices of at most `size`. */
export function chunks<T>(items: readonly T[], size = chunkSize): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
