import { setTimeout as sleep } from 'node:timers/promises';
import { EngineError } from '../core/index.js';

/** Options of {@link readUpstream}. */
export interface UpstreamReadOptions {
  /** Request headers (credentials among them: they are never put in an error message or log). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Deadline of one attempt, in milliseconds. Default 60,000 (python-threatexchange's). */
  readonly timeoutMs?: number | undefined;
  /** Attempts after the first, on 429, 5xx, a timeout or a network failure. Default 4. */
  readonly retries?: number | undefined;
  /** First backoff, doubled per attempt with full jitter. Default 200 ms. */
  readonly baseDelayMs?: number | undefined;
  /** Ceiling of one wait, `Retry-After` included (a longer one is clamped). Default 60,000 ms. */
  readonly maxDelayMs?: number | undefined;
  /** Aborts the whole read, waits included. */
  readonly signal?: AbortSignal | undefined;
  /** The fetch to use (tests); default the global one. */
  readonly fetch?: typeof fetch | undefined;
  /** The random source of the jitter (tests); default `Math.random`. */
  readonly random?: (() => number) | undefined;
  /**
   * For APIs that refuse bad credentials with another status (the Graph API answers 400 with an
   * `OAuthException`): called with a non-retried failing status and the start of its body (up to
   * 16 KiB); `true` makes it `EXCHANGE_AUTH_FAILED`. 401 and 403 are always auth failures.
   */
  readonly isAuthFailure?: ((status: number, body: string) => boolean) | undefined;
}

const retryableStatuses = new Set([429, 500, 502, 503, 504]);

/**
 * GETs an exchange's URL and returns the successful response, retrying what is worth retrying.
 *
 * Contract:
 * - only reads are retried (this function only GETs); 429 and 5xx wait for the server's
 *   `Retry-After` (seconds or an HTTP date) when it sends one, else a full-jitter exponential
 *   backoff, never longer than `maxDelayMs`;
 * - 401 and 403 fail at once with `EXCHANGE_AUTH_FAILED` (retrying bad credentials only locks
 *   the account);
 * - any other status, or retries exhausted, is `EXCHANGE_UNAVAILABLE`; a deadline every attempt
 *   missed is `EXCHANGE_TIMEOUT`;
 * - messages name the host and the status, never the path's query, headers or credentials.
 */
export async function readUpstream(url: string, options: UpstreamReadOptions = {}): Promise<Response> {
  const doFetch = options.fetch ?? fetch;
  const retries = options.retries ?? 4;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const baseDelayMs = options.baseDelayMs ?? 200;
  const maxDelayMs = options.maxDelayMs ?? 60_000;
  const random = options.random ?? Math.random;
  const where = describeHost(url);
  let lastFailure: EngineError | undefined;
  for (let attempt = 0; attempt <= retries; attempt++) {
    options.signal?.throwIfAborted();
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
    let waitMs = Math.min(maxDelayMs, random() * baseDelayMs * 2 ** attempt);
    try {
      const response = await doFetch(url, {
        method: 'GET',
        headers: { ...options.headers },
        signal,
        redirect: 'error',
      });
      if (response.ok) return response;
      const body = options.isAuthFailure === undefined ? '' : await bodyStart(response);
      await response.body?.cancel().catch(() => {});
      if (
        response.status === 401 ||
        response.status === 403 ||
        (!retryableStatuses.has(response.status) && options.isAuthFailure?.(response.status, body) === true)
      ) {
        throw new EngineError('EXCHANGE_AUTH_FAILED', `${where} refused the credentials (HTTP ${response.status})`);
      }
      if (!retryableStatuses.has(response.status)) {
        throw new EngineError('EXCHANGE_UNAVAILABLE', `${where} answered HTTP ${response.status}`, {
          cause: { status: response.status },
        });
      }
      lastFailure = new EngineError('EXCHANGE_UNAVAILABLE', `${where} answered HTTP ${response.status}`);
      const retryAfter = retryAfterMs(response.headers.get('retry-after'));
      if (retryAfter !== undefined) waitMs = Math.min(maxDelayMs, retryAfter);
    } catch (error) {
      if (error instanceof EngineError) throw error;
      options.signal?.throwIfAborted();
      lastFailure = deadline.aborted
        ? new EngineError('EXCHANGE_TIMEOUT', `${where} did not answer within ${timeoutMs} ms`)
        : new EngineError('EXCHANGE_UNAVAILABLE', `${where} could not be reached`);
    }
    if (attempt < retries) await sleep(waitMs, undefined, { signal: options.signal });
  }
  throw lastFailure ?? new EngineError('EXCHANGE_UNAVAILABLE', `${where} could not be reached`);
}

/** `Retry-After` in milliseconds (delta-seconds or an HTTP date), or undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d{1,9}$/.test(text)) return Number(text) * 1000;
  if (!/^[A-Za-z]{3}, /.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

async function bodyStart(response: Response): Promise<string> {
  if (response.body === null) return '';
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    for await (const chunk of response.body) {
      chunks.push(chunk);
      length += chunk.byteLength;
      if (length >= 16_384) break;
    }
  } catch {
    // A body that breaks off is read as far as it came.
  }
  return Buffer.concat(chunks).subarray(0, 16_384).toString('utf8');
}

/**
 * The HTTP status an upstream answered with, when `error` is the `EXCHANGE_UNAVAILABLE` that
 * {@link readUpstream} throws for a status it does not retry (a 400 on an expired cursor, a 404);
 * `undefined` otherwise (network failure, retries exhausted, any other error).
 */
export function upstreamStatusOf(error: unknown): number | undefined {
  if (!(error instanceof EngineError) || error.code !== 'EXCHANGE_UNAVAILABLE') return undefined;
  const cause = error.cause as { status?: unknown } | undefined;
  return typeof cause?.status === 'number' ? cause.status : undefined;
}

/** `the exchange at <host>`, for messages: never the path, query or credentials. */
export function describeHost(url: string): string {
  try {
    return `the exchange at ${new URL(url).host}`;
  } catch {
    throw new EngineError('URL_INVALID', 'the exchange URL is malformed');
  }
}
