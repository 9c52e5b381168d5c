import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { EngineError } from '../core/index.js';
import { isHostAllowed, isPrivateAddress, parseAddressLiteral } from './address-policy.js';

/** Limits on fetching media by URL. */
export interface FetchPolicy {
  /** Largest body accepted, in bytes. */
  readonly maxBytes: number;
  /** Deadline for the whole fetch, redirects included, in milliseconds. */
  readonly timeoutMs: number;
  /** Hosts that may be fetched (`example.org`, `*.example.org`, `example.org:8080`); empty allows any public host. */
  readonly allowedHosts: readonly string[];
  /** Allow loopback, private and link-local addresses (off by default: SSRF protection). */
  readonly allowPrivateAddresses: boolean;
}

const maxRedirects = 5;

/** True for strings that `fetchUrl` takes (http or https URLs). */
export function isUrl(text: string): boolean {
  return /^https?:\/\//i.test(text);
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A DNS lookup that refuses private addresses, used by the HTTP client at connect time. */
function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '');
    const blocked = addresses.find((entry) => isPrivateAddress(entry.address));
    if (blocked !== undefined) {
      return callback(
        new EngineError('URL_HOST_NOT_ALLOWED', `${hostname} resolves to the private address ${blocked.address}`),
        '',
      );
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    if (first === undefined) return callback(new EngineError('URL_FETCH_FAILED', `${hostname} has no address`), '');
    return callback(null, first.address, first.family);
  });
}

function checkUrl(text: string, policy: FetchPolicy): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch (error) {
    throw new EngineError('URL_INVALID', `not a valid URL: ${text}`, { cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EngineError('URL_INVALID', `only http and https URLs are fetched, not ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '')
    throw new EngineError('URL_INVALID', 'URLs with credentials are refused');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  if (!isHostAllowed(host, policy.allowedHosts, port)) {
    throw new EngineError('URL_HOST_NOT_ALLOWED', `${host} is not in the allowed hosts`);
  }
  const literal = parseAddressLiteral(host) !== undefined;
  if (!policy.allowPrivateAddresses && (host === 'localhost' || (literal && isPrivateAddress(host)))) {
    throw new EngineError('URL_HOST_NOT_ALLOWED', `${host} is a private address`);
  }
  return url;
}

/** One GET without following redirects; resolves to the body or to the next location. */
function getOnce(
  url: URL,
  policy: FetchPolicy,
  signal: AbortSignal,
): Promise<{ body: Uint8Array } | { location: string }> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const request = client.get(url, {
      signal,
      headers: { 'user-agent': 'prevail-hasher', accept: 'image/*,video/*,*/*;q=0.5' },
      ...(policy.allowPrivateAddresses ? {} : { lookup: guardedLookup as never }),
    });
    request.on('error', (error) => reject(error));
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && response.headers.location !== undefined) {
        response.resume();
        resolve({ location: new URL(response.headers.location, url).toString() });
        return;
      }
      if (status < 200 || status >= 300) {
        response.resume();
        reject(new EngineError('URL_FETCH_FAILED', `${url.host} answered HTTP ${status}`));
        return;
      }
      const declared = Number(response.headers['content-length'] ?? Number.NaN);
      if (declared > policy.maxBytes) {
        response.destroy();
        reject(
          new EngineError('INPUT_TOO_LARGE', `the response is ${declared} bytes; the limit is ${policy.maxBytes}`),
        );
        return;
      }
      const chunks: Buffer[] = [];
      let received = 0;
      response.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > policy.maxBytes) {
          response.destroy();
          reject(new EngineError('INPUT_TOO_LARGE', `the response exceeds the ${policy.maxBytes}-byte limit`));
          return;
        }
        chunks.push(chunk);
      });
      response.on('error', reject);
      response.on('end', () => resolve({ body: new Uint8Array(Buffer.concat(chunks)) }));
    });
  });
}

/**
 * Fetches the bytes at an http(s) URL within `policy`: scheme, host allow-list and private
 * address checks on the URL and on every redirect (at most 5), a byte limit enforced while
 * streaming, and one deadline for the whole fetch.
 *
 * @throws EngineError `URL_INVALID`, `URL_HOST_NOT_ALLOWED`, `URL_TIMEOUT`, `URL_FETCH_FAILED`,
 *   `INPUT_TOO_LARGE`.
 */
export async function fetchUrl(text: string, policy: FetchPolicy): Promise<Uint8Array> {
  const signal = AbortSignal.timeout(policy.timeoutMs);
  let url = checkUrl(text, policy);
  for (let redirect = 0; ; redirect++) {
    let result: Awaited<ReturnType<typeof getOnce>>;
    try {
      result = await getOnce(url, policy, signal);
    } catch (error) {
      if (error instanceof EngineError) throw error;
      if (signal.aborted) {
        throw new EngineError('URL_TIMEOUT', `fetching ${url.host} took longer than ${policy.timeoutMs} ms`, {
          cause: error,
        });
      }
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new EngineError('URL_FETCH_FAILED', `fetching ${url.host} failed: ${reason}`, { cause: error });
    }
    if ('body' in result) return result.body;
    if (redirect >= maxRedirects) throw new EngineError('URL_FETCH_FAILED', `more than ${maxRedirects} redirects`);
    url = checkUrl(result.location, policy);
  }
}
