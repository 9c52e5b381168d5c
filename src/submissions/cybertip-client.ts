import { EngineError } from '../core/index.js';
import {
  type CybertipCall,
  type CybertipUploadFile,
  fileInfoCall,
  finishCall,
  retractCall,
  statusCall,
  submitCall,
  uploadCall,
} from './cybertip-call.js';
import { type CybertipResponse, classifyResponseCode, parseCybertipResponse } from './cybertip-response.js';
import { hasControlCharacter } from './text-checks.js';

/** NCMEC's two environments: `test` (reports are discarded) and `production`. */
export type CybertipEnvironment = 'test' | 'production';

/** The documented base URL of each environment. */
export const cybertipBaseUrls: Readonly<Record<CybertipEnvironment, string>> = {
  test: 'https://exttest.cybertip.org/ispws',
  production: 'https://report.cybertip.org/ispws',
};

export interface CybertipClientOptions {
  /**
   * Which environment: required, with no default, so production is only ever reached by a
   * setting that says `production` (test and production credentials differ, and calling
   * production from an unapproved integration can get the credentials revoked).
   */
  readonly environment: CybertipEnvironment;
  readonly username: string;
  readonly password: string;
  /** Replaces the environment's base URL (a local contract server in tests, a forward proxy). */
  readonly baseUrl?: string;
  /** Deadline of one call, answer body included (default 60 s). */
  readonly timeoutMs?: number;
  /** Largest answer body read (default 1 MiB); a longer one is a failed call. */
  readonly maxResponseBytes?: number;
}

/**
 * The outcome of one call: `ok` (response code 0), `transient` (worth retrying: NCMEC codes 1000,
 * 1100, 1110, 1111, HTTP 5xx, 408, 429, timeouts, connection failures) or `permanent` (any other
 * code, an answer that is not a response). `text` says what happened, for people and records.
 */
export interface CybertipOutcome {
  readonly kind: 'ok' | 'transient' | 'permanent';
  readonly text: string;
  readonly httpStatus?: number;
  readonly responseBody?: string;
  readonly response?: CybertipResponse;
  /** Set when no answer arrived (timeout, connection failure): what went wrong. */
  readonly error?: string;
}

/**
 * The HTTP client of NCMEC's CyberTipline Reporting API (`/status`, `/submit`, `/upload`,
 * `/fileinfo`, `/finish`, `/retract`), with HTTP Basic authentication and a deadline on every
 * call. It never throws for what the remote side does: every call resolves to an outcome the
 * submitter records and classifies. It throws only when the caller's own signal aborts.
 *
 * The password lives in a private field and is only ever written into the `Authorization`
 * header; no outcome, error or record repeats it.
 *
 * @example
 * const client = new CybertipClient({ environment: 'test', username, password });
 * const outcome = await client.status();
 * if (outcome.kind !== 'ok') console.error(outcome.text);
 */
export class CybertipClient {
  /** The base URL calls go to (no trailing slash). */
  readonly baseUrl: string;
  readonly environment: CybertipEnvironment;
  readonly username: string;
  readonly #authorization: string;
  readonly #timeoutMs: number;
  readonly #maxResponseBytes: number;

  /**
   * @throws EngineError `CONFIG_INVALID` for an unknown environment, an empty username or
   *   password, a username with `:`, or a base URL that is not http(s) or carries credentials.
   */
  constructor(options: CybertipClientOptions) {
    if (options.environment !== 'test' && options.environment !== 'production')
      throw new EngineError('CONFIG_INVALID', 'the CyberTipline environment is test or production');
    if (options.username === '' || options.username.includes(':') || hasControlCharacter(options.username))
      throw new EngineError('CONFIG_INVALID', 'the CyberTipline username is empty or has a colon or control character');
    if (options.password === '' || hasControlCharacter(options.password))
      throw new EngineError('CONFIG_INVALID', 'the CyberTipline password is empty or has a control character');
    const base = options.baseUrl ?? cybertipBaseUrls[options.environment];
    let url: URL;
    try {
      url = new URL(base);
    } catch {
      throw new EngineError('CONFIG_INVALID', 'the CyberTipline base URL is not a URL');
    }
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username !== '' || url.password !== '')
      throw new EngineError('CONFIG_INVALID', 'the CyberTipline base URL must be http(s) without credentials in it');
    this.baseUrl = base.replace(/\/+$/, '');
    this.environment = options.environment;
    this.username = options.username;
    this.#authorization = `Basic ${Buffer.from(`${options.username}:${options.password}`, 'utf8').toString('base64')}`;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#maxResponseBytes = options.maxResponseBytes ?? 1024 * 1024;
  }

  status(signal?: AbortSignal): Promise<CybertipOutcome> {
    return this.send(statusCall(), signal);
  }

  submit(reportXml: string, signal?: AbortSignal): Promise<CybertipOutcome> {
    return this.send(submitCall(reportXml), signal);
  }

  upload(reportId: string, file: CybertipUploadFile, signal?: AbortSignal): Promise<CybertipOutcome> {
    return this.send(uploadCall(reportId, file), signal);
  }

  fileInfo(fileDetailsXml: string, signal?: AbortSignal): Promise<CybertipOutcome> {
    return this.send(fileInfoCall(fileDetailsXml), signal);
  }

  finish(reportId: string, signal?: AbortSignal): Promise<CybertipOutcome> {
    return this.send(finishCall(reportId), signal);
  }

  retract(reportId: string, signal?: AbortSignal): Promise<CybertipOutcome> {
    return this.send(retractCall(reportId), signal);
  }

  /**
   * Sends one call and classifies its outcome. The deadline covers the whole exchange, the
   * answer's body included.
   *
   * @throws the reason of `signal` when the caller aborts (a shutdown, not a remote failure).
   */
  async send(call: CybertipCall, signal?: AbortSignal): Promise<CybertipOutcome> {
    const deadline = AbortSignal.timeout(this.#timeoutMs);
    const combined = signal === undefined ? deadline : AbortSignal.any([signal, deadline]);
    const headers: Record<string, string> = { authorization: this.#authorization, accept: 'text/xml' };
    let body: string | FormData | undefined;
    if (call.body?.kind === 'xml') {
      headers['content-type'] = 'text/xml; charset=utf-8';
      body = call.body.xml;
    } else if (call.body?.kind === 'form') {
      const form = new FormData();
      form.set('id', call.body.id);
      if (call.body.file !== undefined) form.set('file', new Blob([call.body.file.bytes]), call.body.file.name);
      body = form;
    }
    let httpStatus: number | undefined;
    try {
      const response = await fetch(`${this.baseUrl}${call.endpoint}`, {
        method: call.method,
        headers,
        ...(body === undefined ? {} : { body }),
        signal: combined,
        redirect: 'error',
      });
      httpStatus = response.status;
      const text = await readLimited(response, this.#maxResponseBytes);
      return classify(httpStatus, text);
    } catch (error) {
      if (signal?.aborted === true) throw signal.reason;
      const described = deadline.aborted
        ? `no answer within ${this.#timeoutMs} ms`
        : error instanceof AnswerTooLong
          ? error.message
          : describeFailure(error);
      return {
        kind: 'transient',
        text: described,
        error: described,
        ...(httpStatus === undefined ? {} : { httpStatus }),
      };
    }
  }
}

/** An answer body past the limit (kept apart from network failures in the outcome's text). */
class AnswerTooLong extends Error {
  constructor(limit: number) {
    super(`the answer is longer than ${limit} bytes`);
  }
}

/** Reads an answer body up to `limit` bytes as UTF-8. */
async function readLimited(response: Response, limit: number): Promise<string> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new AnswerTooLong(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Classifies an answer that arrived: by HTTP status first (5xx, 408, 429 retry), then by response code. */
function classify(httpStatus: number, body: string): CybertipOutcome {
  const parsed = parseCybertipResponse(body);
  const base = { httpStatus, responseBody: body };
  if ('problem' in parsed) {
    const transient = httpStatus >= 500 || httpStatus === 408 || httpStatus === 429;
    return { ...base, kind: transient ? 'transient' : 'permanent', text: `HTTP ${httpStatus}: ${parsed.problem}` };
  }
  const text = `${parsed.responseCode} ${parsed.responseDescription}`.trim();
  if (httpStatus >= 500) return { ...base, response: parsed, kind: 'transient', text: `HTTP ${httpStatus}: ${text}` };
  return { ...base, response: parsed, kind: classifyResponseCode(parsed.responseCode), text };
}

/** A fetch failure in words: the network error's code when it has one (ECONNREFUSED…). */
function describeFailure(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string') return `connection failed: ${cause.code}`;
  if (typeof cause?.message === 'string') return `connection failed: ${cause.message}`;
  return `connection failed: ${error instanceof Error ? error.message : String(error)}`;
}
