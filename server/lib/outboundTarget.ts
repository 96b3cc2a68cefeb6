import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { isIP } from 'node:net';
import { config } from '../config.js';
import { ipv6Hextets } from './clientAddress.js';

/**
 * Where the server may send requests a user configured (project callback URLs): never to this
 * machine or an internal network — loopback, private, link-local (cloud metadata), unique-local,
 * CGNAT, multicast, reserved or unspecified addresses — unless the deployer lists the host in
 * CALLBACK_ALLOWED_HOSTS (`host:port`, `host:*`). Checked when a URL is saved and again for every
 * address the name resolves to when connecting, so a name re-pointed later (DNS rebinding) is caught.
 */

const V4_BLOCKED: Array<[number, number]> = [
  [0x00000000, 8], // "this network", 0.0.0.0
  [0x0a000000, 8], // private
  [0x64400000, 10], // CGNAT 100.64/10
  [0x7f000000, 8], // loopback
  [0xa9fe0000, 16], // link-local (169.254.169.254: cloud metadata)
  [0xac100000, 12], // private
  [0xc0000000, 24], // IETF protocol assignments
  [0xc0000200, 24], // TEST-NET-1
  [0xc0a80000, 16], // private
  [0xc6120000, 15], // benchmarking
  [0xc6336400, 24], // TEST-NET-2
  [0xcb007100, 24], // TEST-NET-3
  [0xe0000000, 4], // multicast
  [0xf0000000, 4], // reserved, broadcast
];

function v4Number(ip: string): number {
  return ip.split('.').reduce((n, b) => n * 256 + Number(b), 0);
}

function v4Blocked(n: number): boolean {
  return V4_BLOCKED.some(([base, bits]) => Math.floor(n / 2 ** (32 - bits)) === Math.floor(base / 2 ** (32 - bits)));
}

/** True for an address a user-configured request must never reach. */
export function isInternalAddress(address: string): boolean {
  const ip = address.replace(/^\[|\]$/g, '');
  const family = isIP(ip.split('%')[0]!);
  if (family === 4) return v4Blocked(v4Number(ip));
  if (family !== 6) return true;
  const h = ipv6Hextets(ip);
  if (!h) return true;
  const embeddedV4 = (h[6]! * 65536 + h[7]!) >>> 0;
  if (h.slice(0, 6).every((x) => x === 0)) return true; // ::, ::1, IPv4-compatible
  if (h.slice(0, 5).every((x) => x === 0) && h[5] === 0xffff) return v4Blocked(embeddedV4); // IPv4-mapped
  if (h[0] === 0x64 && h[1] === 0xff9b && h.slice(2, 6).every((x) => x === 0)) return v4Blocked(embeddedV4); // NAT64
  if (h[0] === 0x2002) return v4Blocked((h[1]! * 65536 + h[2]!) >>> 0); // 6to4
  if ((h[0]! & 0xfe00) === 0xfc00) return true; // unique-local fc00::/7
  if ((h[0]! & 0xffc0) === 0xfe80 || (h[0]! & 0xffc0) === 0xfec0) return true; // link-local, site-local
  if ((h[0]! & 0xff00) === 0xff00) return true; // multicast
  if (h[0] === 0x2001 && h[1] === 0x0db8) return true; // documentation
  if (h[0] === 0x100 && h.slice(1, 4).every((x) => x === 0)) return true; // discard-only
  return false;
}

const defaultPort = (protocol: string) => (protocol === 'https:' ? '443' : '80');

/** Whether CALLBACK_ALLOWED_HOSTS lets requests go to this host and port whatever it resolves to. */
export function isAllowListed(hostname: string, port: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return config().CALLBACK_ALLOWED_HOSTS.some((entry) => {
    const at = entry.lastIndexOf(':');
    const [h, p] = entry.startsWith('[') ? [entry.slice(1, entry.indexOf(']')), entry.slice(entry.indexOf(']') + 2)] : [entry.slice(0, at), entry.slice(at + 1)];
    return h.toLowerCase() === host && (p === '*' || p === port);
  });
}

export class TargetRefused extends Error {
  constructor(readonly reason: 'SCHEME' | 'HTTPS_REQUIRED' | 'INTERNAL_ADDRESS') {
    super(`outbound target refused: ${reason}`);
  }
}

/** A URL's scheme and (if it is an address) host, without DNS: the synchronous part of the check. */
export function checkTargetSyntax(url: URL): { allowListed: boolean } {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TargetRefused('SCHEME');
  if (config().isProduction && url.protocol !== 'https:') throw new TargetRefused('HTTPS_REQUIRED');
  const allowListed = isAllowListed(url.hostname, url.port || defaultPort(url.protocol));
  // WHATWG URL parsing already turned 0x7f000001, 2130706433 or 017700000001 into 127.0.0.1.
  if (!allowListed && isIP(url.hostname.replace(/^\[|\]$/g, '')) && isInternalAddress(url.hostname)) throw new TargetRefused('INTERNAL_ADDRESS');
  if (!allowListed && /(^|\.)localhost\.?$/i.test(url.hostname)) throw new TargetRefused('INTERNAL_ADDRESS');
  return { allowListed };
}

const lookupAll = (hostname: string) =>
  new Promise<LookupAddress[] | null>((resolve) => dnsLookup(hostname, { all: true }, (err, addresses) => resolve(err ? null : addresses)));

/**
 * The check when a URL is saved: scheme, https in production, and every address its name resolves
 * to now. A name that does not resolve yet is accepted (connecting checks again).
 */
export async function checkTarget(url: URL): Promise<void> {
  const { allowListed } = checkTargetSyntax(url);
  if (allowListed || isIP(url.hostname.replace(/^\[|\]$/g, ''))) return;
  const addresses = await lookupAll(url.hostname);
  if (addresses?.some((a) => isInternalAddress(a.address))) throw new TargetRefused('INTERNAL_ADDRESS');
}

/**
 * A `lookup` for http(s).request that refuses internal addresses at connect time (allow-listed hosts
 * excepted); Node does not call it for an address literal, which checkTargetSyntax covers.
 */
export function guardedLookup(allowListed: boolean) {
  return (hostname: string, options: LookupAllOptions | { all?: boolean; family?: number }, callback: (...args: any[]) => void): void => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err);
      if (!allowListed && addresses.some((a) => isInternalAddress(a.address))) return callback(new TargetRefused('INTERNAL_ADDRESS'));
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

/** What a failed attempt stores: a coarse category, never the remote's own text. */
export type OutboundFailure = 'address not allowed' | 'https required' | 'timeout' | 'connection failed' | 'dns lookup failed';

/**
 * POSTs `body` to a user-configured URL with the checks above; no redirects followed, the answer's
 * body read and thrown away. Resolves with the HTTP status, or a coarse failure.
 */
export function postToTarget(rawUrl: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<{ status: number } | { failure: OutboundFailure }> {
  let url: URL;
  let allowListed: boolean;
  try {
    url = new URL(rawUrl);
    ({ allowListed } = checkTargetSyntax(url));
  } catch (err) {
    return Promise.resolve({ failure: err instanceof TargetRefused && err.reason === 'HTTPS_REQUIRED' ? 'https required' : 'address not allowed' });
  }
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = send(
      url,
      { method: 'POST', headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) }, lookup: guardedLookup(allowListed) as never, timeout: timeoutMs },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
        res.on('error', () => resolve({ status: res.statusCode ?? 0 }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err instanceof TargetRefused) return resolve({ failure: 'address not allowed' });
      if (err.message === 'timeout') return resolve({ failure: 'timeout' });
      if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return resolve({ failure: 'dns lookup failed' });
      resolve({ failure: 'connection failed' });
    });
    req.end(body);
  });
}
