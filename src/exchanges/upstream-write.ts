import { EngineError } from '../core/index.js';
import { describeHost } from './upstream-read.js';

/** Options of {@link writeUpstream}. */
export interface UpstreamWriteOptions {
  readonly method: 'POST' | 'PUT';
  readonly body: string;
  /** Request headers, credentials and content type among them (never logged or put in a message). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Deadline in ms. Default 60,000. */
  readonly timeoutMs?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly fetch?: typeof fetch | undefined;
}

/**
 * Sends one write (feedback, a vote, a reaction) to an exchange, **once**: a write answered with a
 * status is not retried, since the exchange may have applied it (python-threatexchange retries
 * only GET/HEAD/OPTIONS). A failed write is the caller's to repeat deliberately.
 *
 * @returns the response body as text (small: write acknowledgements).
 * @throws EngineError `EXCHANGE_AUTH_FAILED` on 401/403, `EXCHANGE_UNAVAILABLE` on any other
 *   failing status or a network failure, `EXCHANGE_TIMEOUT` past the deadline.
 */
export async function writeUpstream(url: string, options: UpstreamWriteOptions): Promise<string> {
  const where = describeHost(url);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, {
      method: options.method,
      headers: { ...options.headers },
      body: options.body,
      signal,
      redirect: 'error',
    });
  } catch (error) {
    options.signal?.throwIfAborted();
    if (deadline.aborted) throw new EngineError('EXCHANGE_TIMEOUT', `${where} did not answer within ${timeoutMs} ms`);
    throw new EngineError('EXCHANGE_UNAVAILABLE', `${where} could not be reached`, { cause: error });
  }
  const text = await response.text().catch(() => '');
  if (response.ok) return text;
  if (response.status === 401 || response.status === 403) {
    throw new EngineError('EXCHANGE_AUTH_FAILED', `${where} refused the credentials (HTTP ${response.status})`);
  }
  throw new EngineError('EXCHANGE_UNAVAILABLE', `${where} refused the write (HTTP ${response.status})`, {
    cause: { status: response.status },
  });
}
