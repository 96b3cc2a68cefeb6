import { z } from 'zod';
import { badRequest } from '../../errors.js';
import { say } from '../../i18n.js';

const MAX_URL_LENGTH = 1024;

/**
 * A URL a mini-program user hands us (their avatar, …) and that we later show to others or fetch:
 * https with a DNS host name only. http would be fetched in clear text and mixed into https pages;
 * javascript:, data: and file: are not addresses at all; a bare IP address is how a URL reaches
 * internal hosts.
 */
export const httpsUrl = z
  .string()
  .trim()
  .max(MAX_URL_LENGTH, `地址最长 ${MAX_URL_LENGTH} 个字符`)
  .pipe(z.url({ protocol: /^https$/, hostname: z.regexes.domain, error: '地址必须是 https:// 开头的网址' }));

export function assertHttpsUrl(value: string, field: string): string {
  const parsed = httpsUrl.safeParse(value);
  if (!parsed.success) {
    throw badRequest(say(`${field}必须是 https:// 开头的网址`, `${field} must be an https:// address`), 'URL_NOT_HTTPS', 2420);
  }
  return parsed.data;
}
