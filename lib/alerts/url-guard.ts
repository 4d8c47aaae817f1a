/**
 * Keeps alert webhooks off the inside of the network. A webhook URL is typed in by a brand team,
 * so without this guard anyone who can edit a stream could make the server POST to its own
 * admin ports, to other services on the private network or to the cloud metadata endpoint
 * (169.254.169.254), and read the answers back in the delivery log (SSRF).
 *
 * At send time the host is resolved and every address it resolves to is checked (one private
 * address among public ones is enough to refuse: the client may pick any of them). The request
 * then connects to exactly the checked addresses ({@link pinnedLookup}); redirects are never
 * followed (`http.ts`). `PULSE_ALLOW_PRIVATE_WEBHOOKS=1` lifts the address check, for
 * receivers on the same host or network; the scheme check stays.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { PulseError } from '../errors.ts';

/** Resolves a host name to all of its addresses (injected by tests). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export interface GuardOptions {
  allowPrivate: boolean;
  resolve?: Resolver;
}

export interface CheckedTarget {
  url: URL;
  /** The host without IPv6 brackets, as sockets and TLS (SNI, certificate check) want it. */
  hostname: string;
  /** Every address the host resolved to, all checked: the only ones the request may use. */
  addresses: LookupAddress[];
}

/**
 * Address ranges a webhook may not reach. BlockList also matches IPv4-mapped IPv6 addresses
 * (`::ffff:10.0.0.1`) against the IPv4 rules, so those need no rules of their own (the unit test
 * checks this).
 */
const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"; 0.0.0.0 reaches the local host on Linux
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT, used inside clouds and VPNs
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata endpoints
  ['172.16.0.0', 12], // private
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking, used for internal networks
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved and broadcast
] as const) {
  blocked.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 96], // unspecified (::), loopback (::1) and the deprecated IPv4-compatible form
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated, still routed by some stacks)
  ['ff00::', 8], // multicast
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}

/** NAT64 (64:ff9b::/96) carries an IPv4 address in its last 32 bits; a NAT64 gateway connects to that one. */
const nat64 = /^64:ff9b::(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i;

/** Whether an IP address (v4 or v6) lies in a range webhooks may not reach. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true; // not an address at all: refuse rather than guess
  if (family === 4) return blocked.check(address, 'ipv4');
  const embedded = nat64.exec(address);
  if (embedded) {
    const v4 = embedded[1] ?? hexPairToIpv4(embedded[2]!, embedded[3]!);
    return blocked.check(v4, 'ipv4');
  }
  return blocked.check(address, 'ipv6');
}

function hexPairToIpv4(high: string, low: string): string {
  const h = parseInt(high, 16);
  const l = parseInt(low, 16);
  return [h >> 8, h & 255, l >> 8, l & 255].join('.');
}

const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * Parses `raw`, resolves its host and checks every address; throws WEBHOOK_URL_REFUSED (the
 * scheme, or which host resolved to which kind of address, never the path or query, which may
 * hold a token). A failed DNS lookup rejects with the resolver's own error: it may be
 * transient, so delivery retries it.
 */
export async function checkWebhookUrl(raw: string, options: GuardOptions): Promise<CheckedTarget> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new PulseError('WEBHOOK_URL_REFUSED', 'webhook URL does not parse');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new PulseError('WEBHOOK_URL_REFUSED', `webhook URL scheme ${url.protocol} is not http or https`);
  }
  // WHATWG URL has already normalised numeric forms (http://2130706433/, http://0x7f.1/) to
  // dotted quads, so an IP literal is recognised here however it was written.
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(hostname);
  const addresses = family ? [{ address: hostname, family }] : await (options.resolve ?? systemResolver)(hostname);
  if (!addresses.length) throw new PulseError('WEBHOOK_URL_REFUSED', `webhook host ${hostname} has no address`);
  if (!options.allowPrivate) {
    const inside = addresses.find((a) => isPrivateAddress(a.address));
    if (inside) {
      const via = family ? '' : ` resolves to ${inside.address}, which`;
      throw new PulseError(
        'WEBHOOK_URL_REFUSED',
        `webhook host ${hostname}${via} is a private, loopback, link-local or reserved address (set PULSE_ALLOW_PRIVATE_WEBHOOKS=1 to allow)`,
      );
    }
  }
  return { url, hostname, addresses };
}

/**
 * A `lookup` for `http.request` that answers with the checked addresses instead of asking DNS
 * again. Without it the socket would resolve the host a second time, and a name server that
 * answers "public" to the guard and "127.0.0.1" a moment later (DNS rebinding, TTL 0) would
 * walk the request past the check. Pinning the lookup, rather than putting the IP into the URL,
 * keeps the host name for the `Host` header, TLS SNI and certificate verification.
 */
export function pinnedLookup(addresses: readonly LookupAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    // Node asks with `all: true` when it races IPv4 and IPv6 (autoSelectFamily), otherwise for one address.
    const family = options.family === 4 || options.family === 'IPv4' ? 4 : options.family === 6 || options.family === 'IPv6' ? 6 : 0;
    const usable = family ? addresses.filter((a) => a.family === family) : [...addresses];
    const first = usable[0];
    if (!first) {
      callback(Object.assign(new Error(`no checked IPv${family} address`), { code: 'ENOTFOUND' }), '', 0);
    } else if (options.all) {
      callback(null, usable);
    } else {
      callback(null, first.address, first.family);
    }
  };
}
