import type { z } from 'zod';
import { EngineError } from '../core/index.js';
import type { ExchangeClientOptions } from './client-options.js';
import { describeHost, readUpstream } from './upstream-read.js';

/** Options of {@link readUpstreamPage}: the client's options, this call's headers and abort signal. */
export interface UpstreamPageOptions extends ExchangeClientOptions {
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly signal?: AbortSignal | undefined;
}

const defaultMaxPageBytes = 64 * 1024 * 1024;

/**
 * Reads one page of an exchange and parses it: `readUpstream` (deadlines, retries on 429/5xx,
 * 401/403 at once), then the body, at most `maxPageBytes`, then `parse`. A page that arrives but
 * cannot be parsed (`parse` throws, the body is too long or not UTF-8) is asked for again up to
 * `malformedRetries` times and then fails the call with `EXCHANGE_PAGE_MALFORMED`: the caller
 * commits nothing for it and its checkpoint stays where it was, so the page is never skipped.
 * `parse` reports a bad page by throwing `EXCHANGE_PAGE_MALFORMED`; a body that breaks off is
 * `EXCHANGE_UNAVAILABLE`.
 */
export async function readUpstreamPage<T>(
  url: string,
  options: UpstreamPageOptions,
  parse: (body: string) => T,
): Promise<T> {
  const attempts = 1 + (options.malformedRetries ?? 1);
  let lastProblem = 'unreadable';
  for (let attempt = 0; attempt < attempts; attempt++) {
    const response = await readUpstream(url, options);
    try {
      const body = await readBodyText(response, options.maxPageBytes ?? defaultMaxPageBytes);
      if (body === undefined) {
        lastProblem = `longer than ${options.maxPageBytes ?? defaultMaxPageBytes} bytes`;
        continue;
      }
      return parse(body);
    } catch (error) {
      if (!(error instanceof EngineError)) {
        // The body broke off (connection reset, the deadline): a transport failure, not a bad page.
        options.signal?.throwIfAborted();
        throw new EngineError('EXCHANGE_UNAVAILABLE', `${describeHost(url)} broke off the page`, { cause: error });
      }
      if (error.code !== 'EXCHANGE_PAGE_MALFORMED') throw error;
      lastProblem = error.message.slice(0, 200);
    }
  }
  throw new EngineError(
    'EXCHANGE_PAGE_MALFORMED',
    `${describeHost(url)} sent a page that could not be read (${lastProblem}); nothing from it was used`,
  );
}

/** The body as UTF-8 text (invalid sequences refused), or `undefined` past `maxBytes` (reading stops there). */
async function readBodyText(response: Response, maxBytes: number): Promise<string | undefined> {
  if (response.body === null) return '';
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of response.body) {
    length += chunk.byteLength;
    // Leaving the loop cancels the stream: the rest of an oversized body is never read.
    if (length > maxBytes) return undefined;
    chunks.push(chunk);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new EngineError('EXCHANGE_PAGE_MALFORMED', 'the page is not UTF-8');
  }
}

/**
 * Parses a JSON page body against `schema`, for the JSON exchanges' `parse` callbacks.
 *
 * @throws EngineError `EXCHANGE_PAGE_MALFORMED`: "not JSON (<error name>)" for a body that is not
 *   JSON or nests too deep for the parser, else `notAPage` when it does not fit the schema.
 */
export function parseJsonPage<Schema extends z.ZodType>(
  body: string,
  schema: Schema,
  notAPage: string,
): z.infer<Schema> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw new EngineError('EXCHANGE_PAGE_MALFORMED', `not JSON (${error instanceof Error ? error.name : 'error'})`);
  }
  const page = schema.safeParse(json);
  if (!page.success) throw new EngineError('EXCHANGE_PAGE_MALFORMED', notAPage);
  return page.data;
}
