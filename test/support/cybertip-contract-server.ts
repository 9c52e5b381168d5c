import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { cybertipSequences, type SequenceItem } from './cybertip-sequences.js';
import { startLocalServer } from './http-server.js';
import { type ParsedElement, parseXml } from './xml-tree.js';

/**
 * A local stand-in for NCMEC's CyberTipline Reporting API (`/status`, `/submit`, `/upload`,
 * `/fileinfo`, `/finish`, `/retract`) that behaves like the documented API, strictly, so the
 * submitter's tests fail where NCMEC would refuse. It listens on 127.0.0.1 on a free port and
 * never names a real host. What it checks (`/work/shared/notes/ncmec-cybertipline.md` §2–§4):
 *
 * - HTTP Basic auth on every call: none → 2000 (HTTP 401), wrong → 3000 (HTTP 403);
 * - `/submit`: well-formed XML (else 4110), root `<report>`, and the children of `<report>`,
 *   `<incidentSummary>`, `<reporter>` and `<personOrUserReported>` in the XSD's order with the
 *   required ones present (else 4100, as NCMEC answers an out-of-order element); the incident
 *   time in the past; the reporting person's email;
 * - `/upload` (multipart `id`, `file`): 5001 unknown report, 5102 finished, 5101 retracted, 4200
 *   no or empty file; answers a file id and the MD5 of the bytes;
 * - `/fileinfo`: `<fileDetails>` in the XSD's order, its report (5001) and file (5002) known, the
 *   report still open;
 * - `/finish` and `/retract` (multipart `id`): 5001 unknown, 5102 already finished, 5101 already retracted.
 *
 * Failures are injected per endpoint (`failNext`): the next N calls answer a response code, an
 * HTTP status, or hang until the client gives up; `when: 'after'` applies the call first (an
 * answer lost on the way back). Everything received is recorded for assertions (`reports()`,
 * `calls`), file bytes only as size, SHA-256 and MD5.
 */

/** The transcribed sequence of `name` (a missing one is a bug of this server, not of the client). */
function sequenceOf(name: string): readonly SequenceItem[] {
  const items = cybertipSequences[name];
  if (items === undefined) throw new Error(`no sequence for <${name}>`);
  return items;
}

/**
 * Checks that `element`'s children follow `items` in order (each at most once unless it
 * repeats), with every required one present; returns the problem or undefined.
 */
export function checkSequence(element: ParsedElement, items: readonly SequenceItem[]): string | undefined {
  let index = 0;
  const seen = new Set<string>();
  let previous: string | undefined;
  for (const child of element.children) {
    if (child.name === previous && items[index]?.repeats === true) continue;
    const found = items.findIndex((item, position) => position >= index && item.name === child.name);
    if (found === index && seen.has(child.name)) return `<${element.name}>: <${child.name}> appears more than once`;
    if (found === -1) {
      const known = items.some((item) => item.name === child.name);
      return known
        ? `<${element.name}>: <${child.name}> is out of order (after <${previous ?? 'nothing'}>)`
        : `<${element.name}>: unexpected element <${child.name}>`;
    }
    index = found;
    seen.add(child.name);
    previous = child.name;
  }
  const missing = items.find((item) => item.required === true && !seen.has(item.name));
  return missing === undefined ? undefined : `<${element.name}>: required <${missing.name}> is missing`;
}

/** A file the server received. */
export interface ReceivedFile {
  readonly fileId: string;
  readonly name: string;
  readonly size: number;
  readonly sha256: string;
  readonly md5: string;
  /** The `<fileDetails>` documents accepted for it, in order. */
  readonly fileDetails: string[];
}

/** A report the server opened. */
export interface ReceivedReport {
  readonly reportId: string;
  readonly xml: string;
  status: 'open' | 'finished' | 'retracted';
  readonly files: ReceivedFile[];
}

/** One call as received: endpoint, whether it was authorised, the response code answered. */
export interface ReceivedCall {
  readonly endpoint: string;
  readonly method: string;
  readonly authorization: string | undefined;
  responseCode?: number;
  httpStatus?: number;
}

/** An injected failure: a response code, an HTTP status, or no answer at all. */
export type InjectedFailure =
  | { readonly code: number; readonly when?: 'before' | 'after' }
  | { readonly httpStatus: number; readonly when?: 'before' | 'after' }
  | { readonly hang: true; readonly when?: 'before' | 'after' };

export interface CybertipContractServer {
  /** `http://127.0.0.1:<port>`, the base URL to give the client. */
  readonly url: string;
  readonly username: string;
  readonly password: string;
  /** Every call in order. */
  readonly calls: ReceivedCall[];
  /** The reports opened so far, in order. */
  reports(): ReceivedReport[];
  /** The next `count` calls to `endpoint` (e.g. `/upload`) fail as `failure` says. */
  failNext(endpoint: string, count: number, failure: InjectedFailure): void;
  close(): Promise<void>;
}

const descriptions: Record<number, string> = {
  0: 'Success',
  1000: 'Server error',
  1100: 'Save failed',
  1110: 'Upload failed',
  1111: 'File upload failed',
  2000: 'Authentication required',
  3000: 'Not authorized',
  4000: 'Invalid request',
  4100: 'Validation failed',
  4110: 'Malformed XML',
  4200: 'Malformed file',
  5001: 'Report does not exist',
  5002: 'File does not exist',
  5101: 'Report already retracted',
  5102: 'Report already finished',
};

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function responseXml(code: number, extra: Record<string, string> = {}, root = 'reportResponse', detail = ''): string {
  const description = detail === '' ? (descriptions[code] ?? 'Error') : `${descriptions[code] ?? 'Error'}: ${detail}`;
  const fields = Object.entries(extra)
    .map(([name, value]) => `<${name}>${escapeText(value)}</${name}>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><${root}><responseCode>${code}</responseCode><responseDescription>${escapeText(description)}</responseDescription>${fields}</${root}>`;
}

async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).byteLength;
    if (size > limit) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Reads a multipart body with the platform's own parser (undici's `Request.formData`). */
async function readForm(request: IncomingMessage, body: Buffer): Promise<FormData | undefined> {
  const type = request.headers['content-type'] ?? '';
  if (!type.startsWith('multipart/form-data')) return undefined;
  try {
    return await new Request('http://127.0.0.1/', {
      method: 'POST',
      headers: { 'content-type': type },
      body,
    }).formData();
  } catch {
    return undefined;
  }
}

function parseOrUndefined(xml: string): ParsedElement | undefined {
  try {
    return parseXml(xml);
  } catch {
    return undefined;
  }
}

function childOf(element: ParsedElement, name: string): ParsedElement | undefined {
  return element.children.find((child) => child.name === name);
}

/** Checks a `<report>` as `/submit` does; returns the code and problem, or undefined when accepted. */
function checkReport(xml: string): { code: number; problem: string } | undefined {
  const root = parseOrUndefined(xml);
  if (root === undefined) return { code: 4110, problem: 'the report is not well-formed XML' };
  if (root.name !== 'report') return { code: 4100, problem: `the root is <${root.name}>, not <report>` };
  const checks: [ParsedElement | undefined, readonly SequenceItem[]][] = [
    [root, sequenceOf('report')],
    [childOf(root, 'incidentSummary'), sequenceOf('incidentSummary')],
    [childOf(root, 'reporter'), sequenceOf('reporter')],
    [childOf(root, 'personOrUserReported'), sequenceOf('personOrUserReported')],
  ];
  for (const [element, items] of checks) {
    if (element === undefined) continue;
    const problem = checkSequence(element, items);
    if (problem !== undefined) return { code: 4100, problem };
  }
  const incidentTime = childOf(childOf(root, 'incidentSummary') as ParsedElement, 'incidentDateTime')?.text ?? '';
  const time = Date.parse(incidentTime);
  if (Number.isNaN(time) || time > Date.now())
    return { code: 4100, problem: 'incidentDateTime is not an ISO-8601 time in the past' };
  const reportingPerson = childOf(childOf(root, 'reporter') as ParsedElement, 'reportingPerson');
  if (reportingPerson === undefined || childOf(reportingPerson, 'email') === undefined)
    return { code: 4100, problem: 'the reporting person has no email' };
  return undefined;
}

/**
 * Starts the contract server with synthetic credentials (`username`/`password` of the result).
 *
 * @example
 * const server = await startCybertipContractServer();
 * const client = new CybertipClient({ environment: 'test', username: server.username,
 *   password: server.password, baseUrl: server.url });
 */
export async function startCybertipContractServer(
  options: { readonly username?: string; readonly password?: string } = {},
): Promise<CybertipContractServer> {
  const username = options.username ?? 'test-esp-user';
  const password = options.password ?? `pw-${randomBytes(8).toString('hex')}`;
  const expected = Buffer.from(`Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`);
  const reports = new Map<string, ReceivedReport>();
  const calls: ReceivedCall[] = [];
  const failures = new Map<string, InjectedFailure[]>();
  let nextReportId = 70_000_001;

  const send = (response: ServerResponse, call: ReceivedCall, httpStatus: number, xml: string): void => {
    call.httpStatus = httpStatus;
    const code = /<responseCode>(\d+)<\/responseCode>/.exec(xml)?.[1];
    if (code !== undefined) call.responseCode = Number(code);
    response.writeHead(httpStatus, { 'content-type': 'text/xml; charset=utf-8' });
    response.end(xml);
  };

  const openReport = (id: string | undefined): { report: ReceivedReport } | { code: number } => {
    const report = id === undefined ? undefined : reports.get(id);
    if (report === undefined) return { code: 5001 };
    if (report.status === 'finished') return { code: 5102 };
    if (report.status === 'retracted') return { code: 5101 };
    return { report };
  };

  /** Applies one authorised call; returns the answer's HTTP status and XML. */
  const apply = async (endpoint: string, request: IncomingMessage, body: Buffer): Promise<[number, string]> => {
    switch (endpoint) {
      case '/status':
        return [200, responseXml(0, {}, 'reportResponse', `Remote User : ${username}, Remote Ip Address : 127.0.0.1`)];
      case '/submit': {
        if (!(request.headers['content-type'] ?? '').startsWith('text/xml'))
          return [200, responseXml(4000, {}, 'reportResponse', 'expected text/xml')];
        const xml = body.toString('utf8');
        const problem = checkReport(xml);
        if (problem !== undefined) return [200, responseXml(problem.code, {}, 'reportResponse', problem.problem)];
        const reportId = String(nextReportId++);
        reports.set(reportId, { reportId, xml, status: 'open', files: [] });
        return [200, responseXml(0, { reportId })];
      }
      case '/upload': {
        const form = await readForm(request, body);
        if (form === undefined) return [200, responseXml(4000, {}, 'reportResponse', 'expected multipart/form-data')];
        const id = form.get('id');
        const found = openReport(typeof id === 'string' ? id : undefined);
        if ('code' in found) return [200, responseXml(found.code)];
        const file = form.get('file');
        if (file === null || typeof file === 'string' || file.size === 0)
          return [200, responseXml(4200, {}, 'reportResponse', 'no file')];
        const bytes = Buffer.from(await file.arrayBuffer());
        const fileId = randomBytes(16).toString('hex');
        const md5 = createHash('md5').update(bytes).digest('hex');
        found.report.files.push({
          fileId,
          name: file.name,
          size: bytes.byteLength,
          sha256: createHash('sha256').update(bytes).digest('hex'),
          md5,
          fileDetails: [],
        });
        return [200, responseXml(0, { reportId: found.report.reportId, fileId, hash: md5 })];
      }
      case '/fileinfo': {
        const details = parseOrUndefined(body.toString('utf8'));
        if (details === undefined) return [200, responseXml(4110)];
        if (details.name !== 'fileDetails')
          return [200, responseXml(4100, {}, 'reportResponse', `root <${details.name}>`)];
        const problem = checkSequence(details, sequenceOf('fileDetails'));
        if (problem !== undefined) return [200, responseXml(4100, {}, 'reportResponse', problem)];
        const found = openReport(childOf(details, 'reportId')?.text.trim());
        if ('code' in found) return [200, responseXml(found.code)];
        const fileId = childOf(details, 'fileId')?.text.trim();
        const file = found.report.files.find((candidate) => candidate.fileId === fileId);
        if (file === undefined) return [200, responseXml(5002)];
        file.fileDetails.push(body.toString('utf8'));
        return [200, responseXml(0)];
      }
      case '/finish':
      case '/retract': {
        const form = await readForm(request, body);
        if (form === undefined) return [200, responseXml(4000, {}, 'reportResponse', 'expected multipart/form-data')];
        const id = form.get('id');
        const found = openReport(typeof id === 'string' ? id : undefined);
        if ('code' in found)
          return [200, responseXml(found.code, {}, endpoint === '/finish' ? 'reportDoneResponse' : 'reportResponse')];
        if (endpoint === '/retract') {
          found.report.status = 'retracted';
          return [200, responseXml(0, { reportId: found.report.reportId })];
        }
        found.report.status = 'finished';
        return [200, responseXml(0, { reportId: found.report.reportId }, 'reportDoneResponse')];
      }
      default:
        return [404, 'not found'];
    }
  };

  const methods: Record<string, string> = {
    '/status': 'GET',
    '/submit': 'POST',
    '/upload': 'POST',
    '/fileinfo': 'POST',
    '/finish': 'POST',
    '/retract': 'POST',
  };

  const server = await startLocalServer((request, response) => {
    const endpoint = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const call: ReceivedCall = { endpoint, method: request.method ?? '', authorization: request.headers.authorization };
    calls.push(call);
    void (async () => {
      const body = await readBody(request, 64 * 1024 * 1024);
      if (methods[endpoint] === undefined) return send(response, call, 404, 'not found');
      if (methods[endpoint] !== request.method) return send(response, call, 405, 'method not allowed');
      const given = request.headers.authorization;
      if (given === undefined) return send(response, call, 401, responseXml(2000));
      const givenBytes = Buffer.from(given);
      if (givenBytes.length !== expected.length || !timingSafeEqual(givenBytes, expected))
        return send(response, call, 403, responseXml(3000));
      const failure = failures.get(endpoint)?.shift();
      if (failure !== undefined && failure.when === 'after') await apply(endpoint, request, body);
      if (failure !== undefined) {
        if ('hang' in failure) return; // no answer: the client's deadline ends the call
        if ('httpStatus' in failure) return send(response, call, failure.httpStatus, 'Service Unavailable');
        return send(response, call, 200, responseXml(failure.code));
      }
      const [status, xml] = await apply(endpoint, request, body);
      send(response, call, status, xml);
    })().catch(() => {
      if (!response.headersSent) send(response, call, 500, 'internal error');
    });
  });

  return {
    url: server.url,
    username,
    password,
    calls,
    reports: () => [...reports.values()],
    failNext(endpoint, count, failure) {
      const queue = failures.get(endpoint) ?? [];
      for (let index = 0; index < count; index++) queue.push(failure);
      failures.set(endpoint, queue);
    },
    close: server.close,
  };
}
