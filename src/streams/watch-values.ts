import { toEngineError } from '../core/index.js';

/** An error as a watcher reports it (`lastError`, `ended` reasons): `CODE: message`. */
export function describeError(error: unknown): string {
  const engineError = toEngineError(error);
  return `${engineError.code}: ${engineError.message}`;
}

/** Seconds rounded to the millisecond, as stream times and rates are reported. */
export function roundToMs(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
