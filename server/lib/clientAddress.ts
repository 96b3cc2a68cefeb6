import { isIP } from 'node:net';

/** The 8 hextets of an IPv6 address (`::` expanded, an embedded IPv4 tail converted), or null. */
function hextets(address: string): number[] | null {
  let text = address.split('%')[0]!.toLowerCase();
  const v4Tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4Tail) {
    const b = v4Tail[1]!.split('.').map(Number);
    text = `${text.slice(0, -v4Tail[1]!.length)}${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail ? tail.split(':') : [];
  const fill = text.includes('::') ? 8 - left.length - right.length : 0;
  const all = [...left, ...Array<string>(Math.max(0, fill)).fill('0'), ...right].map((h) => parseInt(h, 16));
  return all.length === 8 && all.every((h) => Number.isInteger(h) && h >= 0 && h <= 0xffff) ? all : null;
}

/**
 * The bucket a client address is counted in by per-address limits: an IPv4 address as itself (also
 * when written IPv4-mapped, `::ffff:1.2.3.4`), an IPv6 address by its /64 — one subscriber usually
 * holds a whole /64, so counting single IPv6 addresses would let one attacker look like millions.
 */
export function addressBucket(address: string): string {
  const family = isIP(address.split('%')[0]!);
  if (family === 4) return address;
  if (family !== 6) return address;
  const h = hextets(address);
  if (!h) return address;
  if (h.slice(0, 5).every((x) => x === 0) && h[5] === 0xffff) return `${h[6]! >> 8}.${h[6]! & 0xff}.${h[7]! >> 8}.${h[7]! & 0xff}`;
  return `${h.slice(0, 4).map((x) => x.toString(16)).join(':')}::/64`;
}

/**
 * The network an address belongs to, for "has this person logged in from here before": an IPv4 /24
 * (a home or office line keeps its /24 far longer than its address), an IPv6 /64.
 */
export function networkOf(address: string): string {
  const bucket = addressBucket(address);
  return isIP(bucket) === 4 ? `${bucket.split('.').slice(0, 3).join('.')}.0/24` : bucket;
}

export { hextets as ipv6Hextets };
