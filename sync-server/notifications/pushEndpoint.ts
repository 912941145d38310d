import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Where the server may send a Web Push request (NTF12). A push endpoint comes from an agent's
 * browser, so it is input: without a check, an agent could register `https://10.0.0.5/admin` and
 * have the server POST to its private network (server-side request forgery). Real push services
 * are public hosts (fcm.googleapis.com, updates.push.services.mozilla.com, web.push.apple.com,
 * *.notify.windows.com), so an endpoint must be https and reach only public addresses: checked on
 * the URL when a device registers, and on the resolved addresses before every send (a public name
 * may resolve to a private address). The local push-service simulator's origin is the one exception.
 * A name whose answer changes between the check and the request (DNS rebinding) is not covered
 * here: an operator who needs that sends the server's outbound traffic through an egress proxy.
 */

/** Loopback, private, link-local, carrier-grade NAT, benchmarking, multicast and reserved ranges. */
const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b:1::', 48],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

/** Whether an IP address is a public unicast one (IPv4-mapped IPv6 is judged by its IPv4). */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return !NOT_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Whether a URL is on the one origin let through as it is (the simulator's), if any. */
const onAllowedOrigin = (url: URL, allowedOrigin: string | null) => allowedOrigin !== null && url.origin === new URL(allowedOrigin).origin;

/** A URL's host without IPv6 brackets. */
const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

/**
 * Why an endpoint may not be registered, or null when it may: https, and not a name or address of
 * this machine or a private network. Names are resolved only when sending (`publicPushFetch`).
 */
export function pushEndpointProblem(endpoint: string, allowedOrigin: string | null): string | null {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return 'A push endpoint must be a URL';
  }
  if (onAllowedOrigin(url, allowedOrigin)) return null;
  if (url.protocol !== 'https:') return 'A push endpoint must be an https URL';
  const host = hostOf(url).toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || (isIP(host) !== 0 && !isPublicAddress(host))) {
    return 'A push endpoint must be a public push service, not a local or private address';
  }
  return null;
}

/**
 * `fetch` for push requests: the simulator's origin passes; any other URL must be https and its
 * host must resolve to public addresses only, else the request fails without being sent.
 */
export function publicPushFetch(allowedOrigin: string | null, resolve: (host: string) => Promise<string[]> = resolveAll): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (!onAllowedOrigin(url, allowedOrigin)) {
      if (url.protocol !== 'https:') throw new Error(`refused to send a push to ${url.origin}: not https`);
      const host = hostOf(url);
      const addresses = isIP(host) !== 0 ? [host] : await resolve(host);
      const privateAddress = addresses.find((a) => !isPublicAddress(a));
      if (addresses.length === 0 || privateAddress !== undefined) {
        throw new Error(`refused to send a push to ${url.host}: it resolves to ${privateAddress ?? 'no address'}, not a public one`);
      }
    }
    return fetch(input, init);
  };
}

async function resolveAll(host: string): Promise<string[]> {
  return (await lookup(host, { all: true, verbatim: true })).map((r) => r.address);
}
