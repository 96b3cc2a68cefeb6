/**
 * IP whitelist entries as the server accepts them (IPv4 / IPv6 address, optionally /prefix), so the
 * form can name bad lines before sending. The server checks again and has the last word.
 */
function isIPv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255 && (p === '0' || !p.startsWith('0') || p.length === 1));
}

function isIPv6(text: string): boolean {
  if (!/^[0-9a-f:.]+$/i.test(text) || text.split('::').length > 2) return false;
  let groups = text.split(':');
  let needed = 8;
  const last = groups[groups.length - 1] ?? '';
  if (last.includes('.')) {
    if (!isIPv4(last)) return false;
    groups = groups.slice(0, -1);
    needed = 6;
  }
  const compressed = text.includes('::');
  const filled = groups.filter((g) => g !== '');
  if (!filled.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return false;
  if (!compressed) return filled.length === needed && groups.length === needed;
  return filled.length < needed;
}

export function isWhitelistEntry(entry: string): boolean {
  const text = entry.trim();
  const [address = '', bits, extra] = text.split('/');
  if (extra !== undefined) return false;
  const v4 = isIPv4(address);
  if (!v4 && !isIPv6(address)) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (v4 ? 32 : 128);
}

/** Lines of a textarea → entries, and the ones that are not addresses or ranges. */
export function parseWhitelistText(text: string): { entries: string[]; invalid: string[] } {
  const entries = text
    .split(/[\n,，\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  return { entries, invalid: entries.filter((e) => !isWhitelistEntry(e)) };
}
