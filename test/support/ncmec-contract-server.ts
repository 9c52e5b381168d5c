import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerFault, type ExchangeFault, readRequestBody, xmlText } from './exchange-faults.js';
import { startLocalServer } from './http-server.js';

/**
 * A local stand-in for NCMEC's Hash Sharing API v2 (`/work/shared/notes/exchanges.md` §1, §9), on
 * 127.0.0.1, strict where NCMEC is:
 *
 * - HTTP Basic on every call (missing or wrong → 401); `GET /v2/status` names the caller's member;
 * - `GET /v2/entries?from&to` (UTC `YYYY-MM-DDTHH:MM:SSZ`, else 400) serves the entries whose
 *   timestamp is in `[from, to]`, in the upstream's order (tests give it out of timestamp order),
 *   `pageSize` at a time, with `<paging><next>` carrying `from`, `to`, `start`, `size`, `max` and a
 *   cursor id, XML-escaped; an empty window gives `count="0"` blocks and no paging;
 * - a cursor dies after `cursorTtlMs` (by the server's clock `now`), on `expireCursors()`, or when
 *   its `from`/`to` are changed: 400;
 * - `GET /v2/feedback/{FP}/reasons` lists `reasons`; `PUT /v2/entries/{member}/{id}/{FP}/feedback`
 *   takes `<feedbackSubmission>` with `<affirmative/>` or a negative with a known GUID (else 400)
 *   and records it;
 * - faults: every read first takes the next item of `faults` (a status with `Retry-After`, or a
 *   broken body); after `maxRequests` requests everything is 503 (the server is bounded).
 */

/** One entry of the upstream list. */
export interface NcmecUpstreamEntry {
  readonly member: number;
  readonly id: string;
  readonly type: 'image' | 'video';
  /** Unix seconds. */
  readonly timestamp: number;
  readonly deleted?: boolean;
  readonly classification?: string;
  readonly md5?: string;
  readonly pdq?: string;
  readonly sha1?: string;
  /** Adds an href-only `<tmk-pdqf>` large fingerprint. */
  readonly large?: boolean;
  /** Raw XML appended inside the entry (unknown elements). */
  readonly extraXml?: string;
}

/** The upstream as the server queries it: the entries of a window, by position. */
export interface NcmecUpstream {
  select(from: number, to: number): { readonly count: number; at(index: number): NcmecUpstreamEntry };
}

/** An upstream over a list, in the list's order (a test makes it out of timestamp order). */
export function listUpstream(entries: () => readonly NcmecUpstreamEntry[]): NcmecUpstream {
  return {
    select(from, to) {
      const chosen = entries().filter((entry) => entry.timestamp >= from && entry.timestamp <= to);
      return { count: chosen.length, at: (index) => chosen[index] as NcmecUpstreamEntry };
    },
  };
}

/** The base entry `i` of `generatedUpstream`. */
function generatedEntry(i: number, timestamp: number): NcmecUpstreamEntry {
  const hex = i.toString(16).padStart(16, '0');
  return {
    member: 100 + (i % 7),
    id: `e${i}`,
    type: i % 5 === 0 ? 'video' : 'image',
    timestamp,
    classification: i % 3 === 0 ? 'A1' : 'B1',
    md5: `${hex}${hex}`,
    pdq: `${hex}${hex}${hex}${hex}`,
  };
}

/**
 * A day of changes after `generatedUpstream`'s `total` entries, published all at once by setting
 * `from` (the upstream reads it on every request): delta `j` (of `count`, at most `total`) touches base entry
 * `k = j × floor(total / count)` — `j % 4 == 0` deletes it, `j % 4 == 1` reclassifies it (same
 * values, new metadata) — or (`j % 4 >= 2`) adds the new entry `total + j`. Timestamps run from
 * the published one over 4 seconds.
 */
export interface GeneratedDeltas {
  readonly count: number;
  /** Unix seconds of the first delta, or undefined while unpublished. */
  from?: number;
}

/** Delta `j` of `deltas` (see `GeneratedDeltas`), stamped `timestamp`. */
function generatedDelta(total: number, deltas: GeneratedDeltas, j: number, timestamp: number): NcmecUpstreamEntry {
  const k = j * Math.max(1, Math.floor(total / deltas.count));
  const base = generatedEntry(k, timestamp);
  if (j % 4 === 0) return { member: base.member, id: base.id, type: base.type, timestamp, deleted: true };
  if (j % 4 === 1) return { ...base, classification: 'A2' };
  return generatedEntry(total + j, timestamp);
}

/**
 * `total` entries made on demand (bounded memory, for the benchmark): entry `i` is member
 * `100 + i % 7`, id `e<i>`, timestamp `firstTimestamp + floor(i / perSecond)`, with a fake MD5
 * and PDQ derived from `i`; then, once published, `deltas` (see `GeneratedDeltas`).
 */
export function generatedUpstream(
  total: number,
  firstTimestamp: number,
  perSecond: number,
  deltas: GeneratedDeltas = { count: 0 },
): NcmecUpstream {
  return {
    select(from, to) {
      const first = Math.max(0, Math.min(total, (from - firstTimestamp) * perSecond));
      const last = Math.max(0, Math.min(total, (to - firstTimestamp + 1) * perSecond));
      const baseCount = Math.max(0, last - first);
      let deltaFirst = 0;
      let deltaLast = 0;
      const published = deltas.from;
      const perDeltaSecond = Math.max(1, Math.ceil(deltas.count / 4));
      if (published !== undefined) {
        deltaFirst = Math.max(0, Math.min(deltas.count, (from - published) * perDeltaSecond));
        deltaLast = Math.max(0, Math.min(deltas.count, (to - published + 1) * perDeltaSecond));
      }
      return {
        count: baseCount + Math.max(0, deltaLast - deltaFirst),
        at: (index) => {
          if (index < baseCount) {
            const i = first + index;
            return generatedEntry(i, firstTimestamp + Math.floor(i / perSecond));
          }
          const j = deltaFirst + index - baseCount;
          return generatedDelta(total, deltas, j, (published ?? 0) + Math.floor(j / perDeltaSecond));
        },
      };
    },
  };
}

export interface NcmecContractServerOptions {
  readonly upstream: NcmecUpstream;
  readonly user?: string;
  readonly password?: string;
  readonly pageSize?: number;
  readonly cursorTtlMs?: number;
  readonly now?: () => number;
  readonly maxRequests?: number;
  readonly reasons?: readonly { guid: string; name: string }[];
}

export interface NcmecFeedbackReceived {
  readonly path: string;
  readonly body: string;
}

export interface NcmecContractServer {
  readonly url: string;
  /** Paths (with query) of every request, in order. */
  readonly requests: string[];
  /** Faults the next reads answer, in order (push to script). */
  readonly faults: ExchangeFault[];
  readonly feedback: NcmecFeedbackReceived[];
  /** Kills every cursor issued so far. */
  expireCursors(): void;
  close(): Promise<void>;
}

const utcPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

export async function startNcmecContractServer(options: NcmecContractServerOptions): Promise<NcmecContractServer> {
  const user = options.user ?? 'test-user';
  const password = options.password ?? 'test-password';
  const expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const pageSize = options.pageSize ?? 1000;
  const cursorTtlMs = options.cursorTtlMs ?? 12 * 3600 * 1000;
  const now = options.now ?? Date.now;
  const maxRequests = options.maxRequests ?? 100_000;
  const reasons = options.reasons ?? [{ guid: '0f0f0f0f-0000-4000-8000-000000000001', name: 'Not the listed content' }];
  const cursors = new Map<string, { from: string; to: string; issuedAt: number }>();
  const requests: string[] = [];
  const faults: ExchangeFault[] = [];
  const feedback: NcmecFeedbackReceived[] = [];

  const handler = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    requests.push(request.url ?? '');
    if (requests.length > maxRequests) return plain(response, 503, 'request budget exhausted');
    if (request.headers.authorization !== expected) return plain(response, 401, 'unauthorized');
    const url = new URL(request.url ?? '/', 'http://contract.invalid');
    const path = url.pathname;
    if (request.method === 'GET' && path === '/v2/status') {
      return xml(
        response,
        200,
        `<status><ipAddress>127.0.0.1</ipAddress><username>${xmlText(user)}</username><member id="1">Test Member</member></status>`,
      );
    }
    const reasonsMatch = /^\/v2\/feedback\/([A-Z0-9_]+)\/reasons$/.exec(path);
    if (request.method === 'GET' && reasonsMatch !== null) {
      const items = reasons.map(
        (reason) => `<reason guid="${xmlText(reason.guid)}" name="${xmlText(reason.name)}" type="${reasonsMatch[1]}"/>`,
      );
      return xml(response, 200, `<availableFeedbackReasons>${items.join('')}</availableFeedbackReasons>`);
    }
    if (request.method === 'PUT' && /^\/v2\/entries\/[^/]+\/[^/]+\/[A-Z0-9_]+\/feedback$/.test(path)) {
      const body = (await readRequestBody(request)) ?? '';
      const affirmative = body.includes('<affirmative/>');
      const guid = /<guid>([^<]*)<\/guid>/.exec(body)?.[1];
      if (!body.includes('<feedbackSubmission') || (!affirmative && !reasons.some((reason) => reason.guid === guid))) {
        return xml(response, 400, '<error>unknown feedback</error>');
      }
      feedback.push({ path, body });
      return xml(response, 200, '<submissionResult/>');
    }
    if (request.method !== 'GET' || path !== '/v2/entries') return plain(response, 404, 'not found');
    const fault = faults.shift();
    if (fault !== undefined) return answerFault(response, fault);
    const from = url.searchParams.get('from') ?? '';
    const to = url.searchParams.get('to') ?? new Date(now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    if (!utcPattern.test(from) || !utcPattern.test(to)) return xml(response, 400, '<error>bad date</error>');
    const cursorId = url.searchParams.get('cursor');
    let start = 0;
    if (cursorId !== null) {
      const cursor = cursors.get(cursorId);
      if (cursor === undefined || cursor.from !== from || cursor.to !== to || now() - cursor.issuedAt > cursorTtlMs) {
        return xml(response, 400, '<error>cursor expired</error>');
      }
      start = Number(url.searchParams.get('start') ?? '1') - 1;
    }
    const window = options.upstream.select(Date.parse(from) / 1000, Date.parse(to) / 1000);
    const end = Math.min(window.count, start + pageSize);
    const images: string[] = [];
    const videos: string[] = [];
    let maxTimestamp = 0;
    for (let index = start; index < end; index++) {
      const entry = window.at(index);
      maxTimestamp = Math.max(maxTimestamp, entry.timestamp);
      (entry.type === 'image' ? images : videos).push(entryXml(entry));
    }
    let paging = '';
    if (end < window.count) {
      const id = randomBytes(6).toString('hex');
      cursors.set(id, { from, to, issuedAt: now() });
      const next = `/v2/entries?from=${from}&to=${to}&start=${end + 1}&size=${pageSize}&max=${window.count}&cursor=${id}`;
      paging = `<paging><next>${xmlText(next)}</next></paging>`;
    }
    const stamp = maxTimestamp === 0 ? '' : ` maxTimestamp="${new Date(maxTimestamp * 1000).toISOString()}"`;
    return xml(
      response,
      200,
      `<?xml version="1.0" encoding="UTF-8"?><queryResult xmlns="https://hashsharing.ncmec.org/hashsharing/v2"><images count="${images.length}"${stamp}>${images.join('')}</images><videos count="${videos.length}"${stamp}>${videos.join('')}</videos>${paging}</queryResult>`,
    );
  };

  const server = await startLocalServer((request, response) => {
    handler(request, response).catch(() => plain(response, 500, 'contract server error'));
  });
  return {
    url: server.url,
    requests,
    faults,
    feedback,
    expireCursors: () => cursors.clear(),
    close: server.close,
  };
}

function entryXml(entry: NcmecUpstreamEntry): string {
  const member = `<member id="${entry.member}">Member ${entry.member}</member>`;
  const time = `<timestamp>${new Date(entry.timestamp * 1000).toISOString()}</timestamp>`;
  const id = `<id>${xmlText(entry.id)}</id>`;
  if (entry.deleted === true) {
    const tag = entry.type === 'image' ? 'deletedImage' : 'deletedVideo';
    return `<${tag}>${member}${id}${time}</${tag}>`;
  }
  const fingerprints = [
    entry.md5 === undefined ? '' : `<md5>${entry.md5}</md5>`,
    entry.sha1 === undefined ? '' : `<sha1>${entry.sha1}</sha1>`,
    entry.pdq === undefined ? '' : `<pdq>${entry.pdq}</pdq>`,
    entry.large === true ? `<tmk-pdqf rel="self" href="/v2/large/${xmlText(entry.id)}"/>` : '',
  ].join('');
  const classification =
    entry.classification === undefined ? '' : `<classification>${xmlText(entry.classification)}</classification>`;
  return `<${entry.type}>${member}${time}${id}${classification}<fingerprints>${fingerprints}</fingerprints>${entry.extraXml ?? ''}</${entry.type}>`;
}

function xml(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'content-type': 'application/xml; charset=utf-8' });
  response.end(body);
}

function plain(response: ServerResponse, status: number, body: string): void {
  if (response.headersSent) return void response.end();
  response.writeHead(status, { 'content-type': 'text/plain' });
  response.end(body);
}
