import type { Request, RequestHandler } from 'express';
import { config } from '../config.js';
import { requestLang, say } from '../i18n.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const originOf = (url: string): string | null => {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
};

/** Our own origins: the public address, and the address this request was sent to (a direct or internal URL). */
function ownOrigins(req: Request): Set<string> {
  const own = new Set<string>();
  const pub = originOf(config().PUBLIC_URL);
  if (pub) own.add(pub);
  const host = req.get('host');
  if (host) {
    const here = originOf(`${req.protocol}://${host}`);
    if (here) own.add(here);
  }
  return own;
}

/**
 * Whether a state-changing request was sent by one of our own pages. A browser tells us where a
 * request comes from: `Origin` on every POST (serialised as "null" where the page's referrer policy
 * hides it, as the /auth pages' does), `Sec-Fetch-Site`, `Referer`. A request carrying none of them
 * does not come from a browser, and a cross-site forgery needs a browser that carries its victim's
 * cookie: such requests (scripts, the CLI's tests) are let through.
 */
export function isSameOrigin(req: Request): boolean {
  const origin = req.get('origin');
  if (origin && origin !== 'null') return ownOrigins(req).has(origin);
  const site = req.get('sec-fetch-site');
  if (site) return site === 'same-origin' || site === 'none';
  const referer = req.get('referer');
  if (referer) {
    const from = originOf(referer);
    return from !== null && ownOrigins(req).has(from);
  }
  return origin === undefined;
}

const CROSS_SITE = say('拒绝来自其他网站的请求，请在本站页面中操作', 'Requests from other sites are refused: please use this site’s own pages');

/**
 * For the browser surfaces (/admin, /auth): never shown inside another site's frame, and no
 * state-changing request sent from another site (CSRF), whatever the cookie's SameSite does.
 */
export function browserGuard(): RequestHandler {
  return (req, res, next) => {
    res.set({ 'Content-Security-Policy': "frame-ancestors 'none'", 'X-Frame-Options': 'DENY' });
    if (SAFE_METHODS.has(req.method) || isSameOrigin(req)) return next();
    const lang = requestLang(req);
    res
      .status(403)
      .set('Cache-Control', 'no-store')
      .json({ success: false, code: 1403, reason: 'CROSS_SITE_REQUEST', message: CROSS_SITE[lang], notice: { message: CROSS_SITE[lang], type: 'error' } });
  };
}
