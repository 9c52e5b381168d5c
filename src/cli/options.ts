import { InvalidArgumentError } from 'commander';

/** Parses a positive integer option (`--max-pixels 5000000`), for commander. */
export function positiveInteger(value: string): number {
  const parsed = Number(value.replace(/_/g, ''));
  if (!Number.isSafeInteger(parsed) || parsed <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return parsed;
}

/** Parses a comma-separated list option into trimmed, non-empty entries. */
export function commaList(value: string): string[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/** Reads a positive integer from the environment, or `fallback` when unset. */
export function environmentInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  try {
    return positiveInteger(raw);
  } catch {
    throw new InvalidArgumentError(`${name}=${raw} is not a positive whole number`);
  }
}
