import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerFault, type ExchangeFault, readRequestBody } from './exchange-faults.js';
import { startLocalServer } from './http-server.js';

/**
 * A local stand-in for ThreatExchange's Graph API (`/work/shared/notes/exchanges.md` §3, §9) on
 * 127.0.0.1:
 *
 * - `access_token` in the query (reads) or the form body (reactions); missing or wrong → HTTP 400
 *   with a Graph `OAuthException` (code 190), as Graph answers;
 * - `GET /{group}/threat_updates/?start_time&limit&fields[&after]`: the items with
 *   `last_updated ≥ start_time`, in `last_updated` order, `limit` at a time (at most 1000), with an
 *   absolute `paging.next` that repeats every parameter, the token included, and an opaque `after`
 *   cursor that dies on `expireCursors()` (400, Graph code 100); an empty selection is
 *   `{"data": []}`; a group not in `enabledGroups` answers 500 (threat_updates not enabled);
 * - `POST /{descriptor id}/` with `reactions` records the reaction and answers `{"success": true}`;
 * - reads take the next `faults` item first; after `maxRequests` everything is 503.
 *
 * Items are served verbatim, so tests can send `should_delete`, missing `descriptors`, descriptors
 * without an owner, unknown statuses and extra fields.
 */
export type ThreatUpdateItem = Readonly<Record<string, unknown>> & { readonly last_updated: number };

export const threatexchangeTestToken = '1234567890|fake_secret_abcdefghijklmnop';

export interface ThreatexchangeContractServerOptions {
  readonly items: () => readonly ThreatUpdateItem[];
  readonly enabledGroups?: readonly string[];
  readonly token?: string;
  readonly maxRequests?: number;
}

export interface ThreatexchangeContractServer {
  readonly url: string;
  readonly requests: string[];
  readonly faults: ExchangeFault[];
  readonly reactions: { descriptorId: string; reaction: string }[];
  expireCursors(): void;
  close(): Promise<void>;
}

export async function startThreatexchangeContractServer(
  options: ThreatexchangeContractServerOptions,
): Promise<ThreatexchangeContractServer> {
  const token = options.token ?? threatexchangeTestToken;
  const enabled = new Set(options.enabledGroups ?? ['4242']);
  const maxRequests = options.maxRequests ?? 100_000;
  const cursors = new Map<string, number>();
  const requests: string[] = [];
  const faults: ExchangeFault[] = [];
  const reactions: { descriptorId: string; reaction: string }[] = [];
  let origin = '';

  const handler = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    requests.push(request.url ?? '');
    if (requests.length > maxRequests) return graphError(response, 503, 2, 'request budget exhausted');
    const url = new URL(request.url ?? '/', origin);
    if (request.method === 'POST') {
      const form = new URLSearchParams((await readRequestBody(request)) ?? '');
      if (form.get('access_token') !== token)
        return graphError(response, 400, 190, 'Invalid OAuth access token.', 'OAuthException');
      const id = /^\/([0-9]+)\/?$/.exec(url.pathname)?.[1];
      const reaction = form.get('reactions');
      if (id === undefined || reaction === null) return graphError(response, 400, 100, 'Invalid parameter');
      reactions.push({ descriptorId: id, reaction });
      return json(response, 200, { success: true });
    }
    if (url.searchParams.get('access_token') !== token) {
      return graphError(response, 400, 190, 'Invalid OAuth access token.', 'OAuthException');
    }
    const group = /^\/([0-9]+)\/threat_updates\/?$/.exec(url.pathname)?.[1];
    if (request.method !== 'GET' || group === undefined) return graphError(response, 404, 803, 'Unknown path');
    const fault = faults.shift();
    if (fault !== undefined) return answerFault(response, fault);
    if (!enabled.has(group)) return graphError(response, 500, 1, 'An unknown error occurred');
    const start = Number(url.searchParams.get('start_time') ?? '0');
    const limit = Number(url.searchParams.get('limit') ?? '100');
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(limit) || limit < 1 || limit > 1000) {
      return graphError(response, 400, 100, 'Invalid parameter');
    }
    let offset = 0;
    const after = url.searchParams.get('after');
    if (after !== null) {
      const known = cursors.get(after);
      if (known === undefined) return graphError(response, 400, 100, 'Invalid cursor');
      offset = known;
    }
    const selected = options
      .items()
      .filter((item) => item.last_updated >= start)
      .sort((a, b) => a.last_updated - b.last_updated);
    const data = selected.slice(offset, offset + limit);
    if (offset + limit >= selected.length)
      return json(response, 200, data.length === 0 ? { data } : { data, paging: {} });
    const cursor = randomBytes(9).toString('base64url');
    cursors.set(cursor, offset + limit);
    const next = new URL(url.pathname, origin);
    for (const [name, value] of url.searchParams) if (name !== 'after') next.searchParams.set(name, value);
    next.searchParams.set('after', cursor);
    return json(response, 200, { data, paging: { cursors: { after: cursor }, next: next.href } });
  };

  const server = await startLocalServer((request, response) => {
    handler(request, response).catch(() => graphError(response, 500, 1, 'contract server error'));
  });
  origin = server.url;
  return { url: server.url, requests, faults, reactions, expireCursors: () => cursors.clear(), close: server.close };
}

function graphError(
  response: ServerResponse,
  status: number,
  code: number,
  message: string,
  type = 'GraphMethodException',
): void {
  json(response, status, { error: { message, type, code, fbtrace_id: 'FakeTrace' } });
}

function json(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return void response.end();
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
