import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerFault, type ExchangeFault, readRequestBody } from './exchange-faults.js';
import { startLocalServer } from './http-server.js';

/**
 * A local stand-in for StopNCII's Hash Exchange API (`/work/shared/notes/exchanges.md` §2, §9) on
 * 127.0.0.1:
 *
 * - both keys on every call: `Ocp-Apim-Subscription-Key`, and `x-functions-key` equal to the
 *   endpoint's own key (FetchHashes' or SubmitFeedback's); missing or wrong → 401;
 * - `GET /FetchHashes?startTimestamp&pageSize[&nextPageToken]`: the records whose
 *   `lastModtimestamp ≥ startTimestamp`, in that order, `pageSize` at a time (at most 1000; a
 *   non-integer → 400), `hasMoreRecords` and an opaque `nextPageToken` that dies after `tokenTtlMs`,
 *   on `expireTokens()` or with another `startTimestamp` (400); `nextSetTimestamp` is one past the
 *   newest record served, or — with `decreasingNextSetTimestamp` — lower on later pages, as pytx's
 *   fixture shows;
 * - `POST /SubmitFeedback` checks the body shape (`count` = number of `hashFeedbacks`, each with
 *   `hashValue`, `feedbackValue`, `tags`; else 400) and records it;
 * - reads take the next `faults` item first; after `maxRequests` everything is 503.
 *
 * Records are served verbatim, so tests can add unknown enum values and extra fields.
 */
export type StopnciiUpstreamRecord = Readonly<Record<string, unknown>> & { readonly lastModtimestamp: number };

export interface StopnciiContractServerOptions {
  readonly records: () => readonly StopnciiUpstreamRecord[];
  readonly subscriptionKey?: string;
  readonly fetchKey?: string;
  readonly feedbackKey?: string;
  readonly tokenTtlMs?: number;
  readonly decreasingNextSetTimestamp?: boolean;
  readonly now?: () => number;
  readonly maxRequests?: number;
}

export interface StopnciiContractServer {
  readonly url: string;
  readonly requests: string[];
  readonly faults: ExchangeFault[];
  readonly feedback: unknown[];
  expireTokens(): void;
  close(): Promise<void>;
}

export const stopnciiTestKeys = {
  subscriptionKey: 'test-subscription-key',
  fetchFunctionKey: 'test-fetch-key',
  feedbackFunctionKey: 'test-feedback-key',
};

export async function startStopnciiContractServer(
  options: StopnciiContractServerOptions,
): Promise<StopnciiContractServer> {
  const subscription = options.subscriptionKey ?? stopnciiTestKeys.subscriptionKey;
  const fetchKey = options.fetchKey ?? stopnciiTestKeys.fetchFunctionKey;
  const feedbackKey = options.feedbackKey ?? stopnciiTestKeys.feedbackFunctionKey;
  const now = options.now ?? Date.now;
  const tokenTtlMs = options.tokenTtlMs ?? 3600_000;
  const maxRequests = options.maxRequests ?? 100_000;
  const tokens = new Map<string, { start: number; offset: number; issuedAt: number; page: number }>();
  const requests: string[] = [];
  const faults: ExchangeFault[] = [];
  const feedback: unknown[] = [];

  const handler = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    requests.push(request.url ?? '');
    if (requests.length > maxRequests) return json(response, 503, { message: 'request budget exhausted' });
    const url = new URL(request.url ?? '/', 'http://contract.invalid');
    const functionKey = url.pathname === '/SubmitFeedback' ? feedbackKey : fetchKey;
    if (
      request.headers['ocp-apim-subscription-key'] !== subscription ||
      request.headers['x-functions-key'] !== functionKey
    ) {
      return json(response, 401, { statusCode: 401, message: 'Access denied due to invalid subscription key.' });
    }
    if (request.method === 'POST' && url.pathname === '/SubmitFeedback') {
      const body = await readRequestBody(request);
      let parsed: { count?: unknown; hashFeedbacks?: unknown } | undefined;
      try {
        parsed = JSON.parse(body ?? '');
      } catch {
        parsed = undefined;
      }
      const items = parsed?.hashFeedbacks;
      const valid =
        Array.isArray(items) &&
        parsed?.count === items.length &&
        items.every(
          (item) =>
            typeof item?.hashValue === 'string' && typeof item?.feedbackValue === 'string' && Array.isArray(item?.tags),
        );
      if (!valid) return json(response, 400, { message: 'invalid feedback body' });
      feedback.push(parsed);
      return json(response, 200, { count: items.length });
    }
    if (request.method !== 'GET' || url.pathname !== '/FetchHashes')
      return json(response, 404, { message: 'not found' });
    const fault = faults.shift();
    if (fault !== undefined) return answerFault(response, fault);
    const start = Number(url.searchParams.get('startTimestamp') ?? '10');
    const pageSize = Number(url.searchParams.get('pageSize') ?? '800');
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
      return json(response, 400, { message: 'bad startTimestamp or pageSize' });
    }
    let offset = 0;
    let page = 0;
    const tokenId = url.searchParams.get('nextPageToken');
    if (tokenId !== null) {
      const token = tokens.get(tokenId);
      if (token === undefined || token.start !== start || now() - token.issuedAt > tokenTtlMs) {
        return json(response, 400, { message: 'the nextPageToken is no longer valid' });
      }
      offset = token.offset;
      page = token.page;
    }
    const selected = options
      .records()
      .filter((record) => record.lastModtimestamp >= start)
      .sort((a, b) => a.lastModtimestamp - b.lastModtimestamp);
    const served = selected.slice(offset, offset + pageSize);
    const more = offset + pageSize < selected.length;
    const newest = selected.reduce((max, record) => Math.max(max, record.lastModtimestamp + 1), start);
    const nextSetTimestamp = options.decreasingNextSetTimestamp === true && page > 0 ? newest - 1000 : newest;
    const body: Record<string, unknown> = {
      count: served.length,
      nextSetTimestamp,
      hasMoreRecords: more,
      hashRecords: served,
    };
    if (more) {
      const id = randomBytes(12).toString('base64url');
      tokens.set(id, { start, offset: offset + pageSize, issuedAt: now(), page: page + 1 });
      body.nextPageToken = id;
    }
    return json(response, 200, body);
  };

  const server = await startLocalServer((request, response) => {
    handler(request, response).catch(() => json(response, 500, { message: 'contract server error' }));
  });
  return { url: server.url, requests, faults, feedback, expireTokens: () => tokens.clear(), close: server.close };
}

function json(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return void response.end();
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
