import { lookup as dnsLookup } from 'node:dns/promises';
import { EngineError } from '../core/index.js';
import { isHostAllowed, isPrivateAddress, parseAddressLiteral } from './address-policy.js';

/** Where outgoing connections may go (URL fetches, stream sources and every hop they take). */
export interface EgressPolicy {
  /**
   * Hosts that may be reached (`example.org`, `*.example.org`, `example.org:8080`, `[::1]:8080`,
   * IP addresses in any spelling); empty allows any public host. A host named here may have a
   * private address: naming it is the operator's explicit permission.
   */
  readonly allowedHosts: readonly string[];
  /** Allow loopback, private and link-local addresses for any host (off by default: SSRF protection). */
  readonly allowPrivateAddresses: boolean;
}

/** One resolved address: what a checked connection connects to. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Resolves a host name to all its addresses (`dns.lookup` with `all: true`; injectable for tests). */
export type HostResolver = (host: string) => Promise<readonly ResolvedAddress[]>;

const systemResolver: HostResolver = async (host) =>
  (await dnsLookup(host, { all: true })).map((entry) => ({
    address: entry.address,
    family: entry.family === 6 ? 6 : 4,
  }));

/**
 * Checks one connection target against `policy` and returns the address to connect to. Callers
 * must connect to that address, never resolve the name again: the check and the connection then
 * see the same DNS answer, so rebinding cannot slip a private address in between.
 *
 * Order: the allow-list (host, and port when the entry names one), then the name is resolved (an
 * address literal in any spelling is read, not resolved), then — unless the host is named in the
 * allow-list or private addresses are allowed — every address must be public.
 *
 * @throws EngineError `URL_HOST_NOT_ALLOWED` (not in the allow-list, or a private address),
 *   `URL_FETCH_FAILED` (the name does not resolve).
 */
export async function checkEgressTarget(
  host: string,
  port: number,
  policy: EgressPolicy,
  resolve: HostResolver = systemResolver,
): Promise<ResolvedAddress> {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === '') throw new EngineError('URL_HOST_NOT_ALLOWED', 'the URL has no host');
  const named = policy.allowedHosts.length > 0;
  if (named && !isHostAllowed(bare, policy.allowedHosts, port)) {
    throw new EngineError('URL_HOST_NOT_ALLOWED', `${displayHost(bare)}:${port} is not in the allowed hosts`);
  }
  const literal = parseAddressLiteral(bare);
  let addresses: readonly ResolvedAddress[];
  if (literal !== undefined) {
    addresses = [{ address: literal.toString(), family: literal.kind() === 'ipv6' ? 6 : 4 }];
  } else {
    try {
      addresses = await resolve(bare);
    } catch (error) {
      throw new EngineError('URL_FETCH_FAILED', `${bare} does not resolve`, { cause: error });
    }
  }
  const first = addresses[0];
  if (first === undefined) throw new EngineError('URL_FETCH_FAILED', `${bare} has no address`);
  if (!named && !policy.allowPrivateAddresses) {
    const blocked = addresses.find((entry) => isPrivateAddress(entry.address));
    if (blocked !== undefined) {
      throw new EngineError(
        'URL_HOST_NOT_ALLOWED',
        literal !== undefined
          ? `${displayHost(bare)} is a private address (allow it by naming the host in the allowed hosts)`
          : `${bare} resolves to the private address ${blocked.address} (allow it by naming the host in the allowed hosts)`,
      );
    }
  }
  return first;
}

function displayHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
