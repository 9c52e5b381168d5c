import { BlockList } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * IPv4 ranges that a URL fetch or a stream must never reach unless the operator allows private
 * addresses: "this network" (0.0.0.0/8), loopback, private (RFC 1918), carrier-grade NAT,
 * link-local (cloud metadata lives at 169.254.169.254), IETF protocol assignments, documentation,
 * benchmarking, the deprecated 6to4 relay anycast, multicast, reserved and broadcast.
 */
const privateV4 = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  privateV4.addSubnet(network, prefix, 'ipv4');
}

/**
 * IPv6 ranges refused whatever they hold: unspecified and loopback, the whole deprecated
 * IPv4-compatible block `::/96` (`::127.0.0.1`; nothing legitimate uses it), local-use NAT64
 * (RFC 8215), discard-only, documentation, unique-local, link-local, deprecated site-local and
 * multicast. Prefixes that embed an IPv4 address (mapped, translated, NAT64, 6to4, Teredo) are
 * judged by that address instead (`embeddedIpv4`).
 */
const privateV6 = new BlockList();
for (const [network, prefix] of [
  ['::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  privateV6.addSubnet(network, prefix, 'ipv6');
}

/**
 * The address `host` names when it is an IP literal in any form a resolver accepts, or
 * `undefined` for a host name. IPv4 in the forms of `inet_aton` (`2130706433`, `0x7f.1`,
 * `0177.0.0.1`, `127.1`) and IPv6 with or without brackets (`[::ffff:7f00:1]`), so that no
 * spelling of a private address passes for a host name. Parsing is ipaddr.js's.
 */
export function parseAddressLiteral(host: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const bare = host.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (bare.includes(':')) {
    if (!ipaddr.IPv6.isValid(bare)) return undefined;
    const compatible = /^::(\d+\.\d+\.\d+\.\d+)$/.exec(bare)?.[1];
    // ipaddr.js reads `::a.b.c.d` (IPv4-compatible) as `::ffff:a.b.c.d` (mapped); keep it compatible.
    if (compatible !== undefined && ipaddr.IPv4.isValid(compatible)) {
      return new ipaddr.IPv6([...new Array<number>(12).fill(0), ...ipaddr.IPv4.parse(compatible).toByteArray()]);
    }
    return ipaddr.IPv6.parse(bare.replace(/%.*$/, ''));
  }
  return ipaddr.IPv4.isValid(bare) ? ipaddr.IPv4.parse(bare) : undefined;
}

/**
 * The IPv4 address an IPv6 address carries and is routed to, for the prefixes that embed one:
 * IPv4-mapped `::ffff:0:0/96` (dotted or hex), IPv4-translated `::ffff:0:0:0/96`, NAT64
 * `64:ff9b::/96`, 6to4 `2002::/16` (bits 16–47) and Teredo `2001::/32` (the client, bits 96–127
 * inverted). `undefined` for any other address.
 */
function embeddedIpv4(address: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const bytes = address.toByteArray();
  const words = address.parts;
  const last = (): ipaddr.IPv4 => new ipaddr.IPv4(bytes.slice(12, 16));
  const zero = (from: number, to: number): boolean => words.slice(from, to).every((word) => word === 0);
  if (zero(0, 5) && words[5] === 0xffff) return last();
  if (zero(0, 4) && words[4] === 0xffff && words[5] === 0) return last();
  if (words[0] === 0x64 && words[1] === 0xff9b && zero(2, 6)) return last();
  if (words[0] === 0x2002) return new ipaddr.IPv4(bytes.slice(2, 6));
  if (words[0] === 0x2001 && words[1] === 0) return new ipaddr.IPv4(bytes.slice(12, 16).map((byte) => byte ^ 0xff));
  return undefined;
}

/**
 * True when `address` (an IPv4 or IPv6 literal, in any spelling `parseAddressLiteral` accepts) is
 * loopback, private, link-local, reserved or unspecified — directly, or through an IPv4 address
 * embedded in an IPv6 one (`::ffff:127.0.0.1`, `::ffff:7f00:1`, `64:ff9b::a00:1`,
 * `2002:c0a8:101::`). Anything that is not an address literal counts as private: callers check
 * resolved addresses, and an answer they cannot read must not pass.
 */
export function isPrivateAddress(address: string): boolean {
  const parsed = parseAddressLiteral(address);
  if (parsed === undefined) return true;
  if (parsed.kind() === 'ipv4') return privateV4.check(parsed.toString(), 'ipv4');
  const v6 = parsed as ipaddr.IPv6;
  const embedded = embeddedIpv4(v6);
  if (embedded !== undefined) return privateV4.check(embedded.toString(), 'ipv4');
  return privateV6.check(v6.toNormalizedString(), 'ipv6');
}

/**
 * True when `host` (and `port`, when the rule names one) is allowed by `allowedHosts`: an empty
 * list allows every host; an entry `example.org` allows that host on any port, `*.example.org`
 * its subdomains, `example.org:8080` or `[::1]:8080` that host on that port only. An IP address
 * entry matches the same address in any spelling (`127.0.0.1` matches `0x7f.1`).
 */
export function isHostAllowed(host: string, allowedHosts: readonly string[], port?: number): boolean {
  if (allowedHosts.length === 0) return true;
  const name = canonicalHost(host);
  return allowedHosts.some((entry) => {
    const rule = splitHostRule(entry);
    if (rule.port !== undefined && rule.port !== port) return false;
    return rule.host.startsWith('*.') ? name.endsWith(rule.host.slice(1)) : name === canonicalHost(rule.host);
  });
}

/** A host as compared with the allow-list: an address literal normalized, a name lower-cased. */
function canonicalHost(host: string): string {
  const address = parseAddressLiteral(host);
  if (address === undefined)
    return host
      .toLowerCase()
      .replace(/^\[|\]$/g, '')
      .replace(/\.$/, '');
  return address.kind() === 'ipv6' ? (address as ipaddr.IPv6).toNormalizedString() : address.toString();
}

/** `host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 address (no port). */
function splitHostRule(entry: string): { host: string; port?: number } {
  const text = entry.trim().toLowerCase();
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed?.[1] !== undefined) {
    return bracketed[2] !== undefined ? { host: bracketed[1], port: Number(bracketed[2]) } : { host: bracketed[1] };
  }
  const withPort = /^([^:]+):(\d+)$/.exec(text);
  if (withPort?.[1] !== undefined && withPort[2] !== undefined) return { host: withPort[1], port: Number(withPort[2]) };
  return { host: text };
}
