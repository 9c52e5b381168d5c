import { type ZodType, z } from 'zod';
import { EngineError } from '../core/index.js';

/**
 * What every exchange client factory takes besides its configuration and credentials: the HTTP
 * deadlines and retries handed to `readUpstream`, and seams for tests (the fetch, the clock).
 */
export interface ExchangeClientOptions {
  /** Deadline of one HTTP attempt in ms. Default 60,000 (python-threatexchange's). */
  readonly timeoutMs?: number | undefined;
  /** Read retries after the first attempt (429, 5xx, timeouts). Default 4. */
  readonly retries?: number | undefined;
  /** First backoff of a read retry in ms. Default 200. */
  readonly baseDelayMs?: number | undefined;
  /** Ceiling of one wait, `Retry-After` included, in ms. Default 60,000. */
  readonly maxDelayMs?: number | undefined;
  /**
   * How many times a page that arrives but cannot be read is asked for again before the call
   * fails with `EXCHANGE_PAGE_MALFORMED` (TE#2004: a corrupt page must not be skipped). Default 1.
   */
  readonly malformedRetries?: number | undefined;
  /** Largest page body read, in bytes; a longer one is `EXCHANGE_PAGE_MALFORMED`. Default 64 MiB. */
  readonly maxPageBytes?: number | undefined;
  /** The fetch to use; default the global one. */
  readonly fetch?: typeof fetch | undefined;
  /** The clock, in ms since the epoch; default `Date.now`. */
  readonly now?: (() => number) | undefined;
}

/**
 * Parses an exchange's configuration or credentials with its zod schema.
 *
 * @throws EngineError `REQUEST_INVALID` (or the `code` given) naming the fields at fault and why, never their values
 *   (credentials must not reach a message or a log).
 */
export function parseExchangeSettings<T>(
  schema: ZodType<T>,
  value: unknown,
  what: string,
  code: 'REQUEST_INVALID' | 'EXCHANGE_INVALID' = 'REQUEST_INVALID',
): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.code}`)
    .join('; ');
  throw new EngineError(code, `${what} is invalid (${problems})`);
}

/** The base URL of an API without its trailing slashes, so paths can be appended as `${base}/x`. */
export function trimBaseUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

/** An exchange's base URL: http(s), without credentials or a query (both would leak into logs). */
export const httpUrl = z
  .string()
  .max(2048)
  .refine((text) => {
    try {
      const url = new URL(text);
      return (
        (url.protocol === 'https:' || url.protocol === 'http:') &&
        url.username === '' &&
        url.password === '' &&
        url.search === '' &&
        url.hash === ''
      );
    } catch {
      return false;
    }
  }, 'an http(s) URL without credentials, query or fragment');
