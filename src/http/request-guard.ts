import { networkInterfaces } from 'node:os';
import type { FastifyRequest } from 'fastify';
import { EngineError } from '../core/index.js';

/** Host names every server answers for: the loopback names a local browser or client uses. */
export const loopbackHostNames: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/**
 * The `Host` names a server answers for: the loopback names, the address it listens on (for a
 * wildcard such as `0.0.0.0`, every address of this machine's interfaces) and the operator's
 * `--allowed-hosts`. Names (DNS) are never guessed: those are what DNS rebinding abuses.
 */
export function serverHostNames(
  listenHost: string,
  extra: readonly string[],
  interfaces: () => readonly string[] = interfaceAddresses,
): string[] {
  const wildcard = listenHost === '0.0.0.0' || listenHost === '::' || listenHost === '';
  const own = wildcard ? interfaces() : [listenHost];
  return [...new Set([...loopbackHostNames, ...own.map(asHostName), ...extra])];
}

/** Every address of this machine's network interfaces. */
function interfaceAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((entries) => (entries ?? []).map((entry) => entry.address));
}

/** Methods that change state: a cross-site browser request must never run one. */
const stateChangingMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** What the guard accepts; built once at start-up (`HttpConfig.allowedHosts`, `allowedOrigins`). */
export interface RequestGuardSettings {
  /**
   * Host names (no port) the `Host` header may carry. `*` accepts any (a proxy in front checks
   * it). Compared case-insensitively; IPv6 literals in brackets, as in a URL.
   */
  readonly allowedHosts: readonly string[];
  /** Origins (`https://ui.example.org`) besides the server's own that may send writes. */
  readonly allowedOrigins: readonly string[];
}

/** The host name of a `Host` header or URL authority, lowercased and without the port. */
export function hostNameOf(authority: string): string {
  const lower = authority.trim().toLowerCase();
  if (lower.startsWith('[')) {
    const end = lower.indexOf(']');
    return end === -1 ? lower : lower.slice(0, end + 1);
  }
  const colon = lower.indexOf(':');
  return colon === -1 ? lower : lower.slice(0, colon);
}

/** The bracketed form of an IPv6 listen address (`::1` → `[::1]`), other names unchanged. */
export function asHostName(name: string): string {
  const lower = name.trim().toLowerCase();
  return lower.includes(':') && !lower.startsWith('[') ? `[${lower}]` : lower;
}

/**
 * Refuses requests a browser was tricked into sending:
 *
 * - **DNS rebinding**: a page on `evil.example` whose name is re-pointed at this server reaches
 *   it with `Host: evil.example`. Any request whose `Host` is not a configured name is refused
 *   with `HOST_NOT_ALLOWED`, reads included. (No `Host` at all is not a browser.)
 * - **Cross-site writes**: a page on another site can POST a form (multipart included) here
 *   without any CORS preflight. A state-changing request whose `Origin` is neither this
 *   server's own (the `Host` it was sent to) nor an allowed origin, or whose `Sec-Fetch-Site`
 *   says `cross-site`/`same-site`, is refused with `ORIGIN_FORBIDDEN`.
 *
 * Clients that are not browsers send neither `Origin` nor `Sec-Fetch-Site` and are unaffected.
 * @throws EngineError `HOST_NOT_ALLOWED`, `ORIGIN_FORBIDDEN`.
 */
export function checkRequestSite(request: FastifyRequest, settings: RequestGuardSettings): void {
  const host = request.headers.host;
  const anyHost = settings.allowedHosts.includes('*');
  if (host !== undefined && !anyHost) {
    const name = hostNameOf(host);
    if (!settings.allowedHosts.some((allowed) => asHostName(allowed) === name)) {
      throw new EngineError(
        'HOST_NOT_ALLOWED',
        `this server does not answer for host "${name}" (add it with --allowed-hosts or PREVAIL_ALLOWED_HOSTS)`,
      );
    }
  }
  if (!stateChangingMethods.has(request.method)) return;
  const origin = request.headers.origin;
  if (origin !== undefined) {
    if (!isAllowedOrigin(origin, host, settings)) {
      throw new EngineError(
        'ORIGIN_FORBIDDEN',
        `a browser page from ${JSON.stringify(origin)} may not change anything here (allow a web app's origin with --allowed-origins)`,
      );
    }
    return;
  }
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') {
    throw new EngineError('ORIGIN_FORBIDDEN', `a ${site} browser request may not change anything here`);
  }
}

function isAllowedOrigin(origin: string, host: string | undefined, settings: RequestGuardSettings): boolean {
  if (settings.allowedOrigins.some((allowed) => allowed.toLowerCase() === origin.toLowerCase())) return true;
  let url: URL;
  try {
    url = new URL(origin); // "null" (sandboxed frames, file: pages) does not parse: refused
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (host === undefined) return false;
  try {
    // Parse the Host with the origin's scheme so that default ports compare equal (":443").
    return new URL(`${url.protocol}//${host.trim()}`).host === url.host;
  } catch {
    return false;
  }
}
