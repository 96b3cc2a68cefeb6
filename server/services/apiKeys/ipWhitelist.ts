import { BlockList, isIP } from 'node:net';
import { badRequest } from '../../errors.js';

export const MAX_WHITELIST_ENTRIES = 50;

/** `::ffff:1.2.3.4` (how a dual-stack socket reports an IPv4 peer) is the IPv4 address for matching. */
export function normalizeIp(ip: string): string | null {
  const trimmed = ip.trim().toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(trimmed);
  const candidate = mapped ? mapped[1]! : trimmed;
  return isIP(candidate) ? candidate : null;
}

/**
 * Parses one whitelist entry: an IPv4/IPv6 address or a CIDR range. Returns its canonical text, or
 * null when malformed. Zone ids (`fe80::1%eth0`) are refused: they mean nothing off the host.
 */
export function parseWhitelistEntry(entry: string): string | null {
  const text = entry.trim().toLowerCase();
  if (!text || text.includes('%')) return null;
  const slash = text.indexOf('/');
  if (slash === -1) return normalizeIp(text);
  const address = normalizeIp(text.slice(0, slash));
  const bits = text.slice(slash + 1);
  if (!address || !/^\d{1,3}$/.test(bits)) return null;
  const prefix = Number(bits);
  if (prefix > (isIP(address) === 4 ? 32 : 128)) return null;
  return `${address}/${prefix}`;
}

/** Validates a whole whitelist for a new key: every malformed entry is named in one 400. */
export function parseWhitelist(entries: readonly string[]): string[] {
  if (entries.length > MAX_WHITELIST_ENTRIES) {
    throw badRequest(`IP 白名单最多 ${MAX_WHITELIST_ENTRIES} 条`, 'IP_WHITELIST_TOO_LONG', 3103);
  }
  const bad: string[] = [];
  const parsed = new Set<string>();
  for (const entry of entries) {
    const canonical = parseWhitelistEntry(entry);
    if (canonical) parsed.add(canonical);
    else bad.push(entry);
  }
  if (bad.length) {
    throw badRequest(`IP 白名单格式错误：${bad.slice(0, 5).join('、')}`, 'INVALID_IP_WHITELIST', 3103, { invalid: bad });
  }
  return [...parsed];
}

export interface IpMatcher {
  allows(ip: string): boolean;
}

/** A matcher over canonical entries; an empty whitelist allows every address. */
export function compileWhitelist(entries: readonly string[]): IpMatcher {
  if (entries.length === 0) return { allows: () => true };
  const list = new BlockList();
  for (const entry of entries) {
    const [address, bits] = entry.split('/') as [string, string | undefined];
    const type = isIP(address) === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return {
    allows(ip: string): boolean {
      const normalized = normalizeIp(ip);
      if (!normalized) return false;
      return list.check(normalized, isIP(normalized) === 4 ? 'ipv4' : 'ipv6');
    },
  };
}
