import type { IncomingMessage, ServerResponse } from 'node:http';

// Path segments that are route names, not values, under the prefixes whose values are secrets
// (/open/v1/card-keys/<card key>; /auth pages carry tokens in their query strings).
const ROUTE_WORDS = new Set(['open', 'auth', 'v1', 'card-keys', 'verify', 'metering', 'charge', 'docs', 'openapi.json', 'captcha', 'login-captcha', 'register', 'resend', 'forgot', 'reset']);

/**
 * The path a request log shows: never the query string (tokens, codes, usernames travel there), and
 * under /open and /auth the route pattern (`/open/v1/card-keys/:value`), never the values in the path.
 */
export function loggedPath(url: string | undefined): string {
  const path = (url ?? '').split(/[?#]/)[0]!;
  if (!/^\/(open|auth)(\/|$)/.test(path)) return path;
  return path
    .split('/')
    .map((segment, i) => (i === 0 || ROUTE_WORDS.has(segment) ? segment : ':value'))
    .join('/');
}

/** What pino-http writes for a request and its response: no headers, no query, no body. */
export const requestLogSerializers = {
  req: (req: { id?: unknown; method?: string; url?: string; remoteAddress?: string; raw?: IncomingMessage }) => ({
    id: req.id,
    method: req.method,
    url: loggedPath((req.raw as (IncomingMessage & { originalUrl?: string }) | undefined)?.originalUrl ?? req.raw?.url ?? req.url),
    remoteAddress: req.remoteAddress,
    userAgent: req.raw?.headers['user-agent'],
  }),
  res: (res: { statusCode?: number; raw?: ServerResponse }) => ({ statusCode: res.statusCode }),
};
