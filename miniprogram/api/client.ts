import { envConfig } from '../config';
import { currentLang } from '../i18n/index';
import { loginCode } from '../lib/platform';
import { clearSession, loadSession, saveSession, type Session } from '../lib/session';
import type { paths } from './schema';

/**
 * The one way the mini-program talks to the server. Paths, methods, parameters, bodies and answers
 * are typed from the server's OpenAPI document (`schema.d.ts`), so a call the document does not
 * have does not compile. Answers are the envelope `{success, code, message, data}`: `data` is
 * returned, a refusal is thrown as ApiError. The login is kept fresh here: tokens are refreshed
 * shortly before they expire, and a 401 logs in again (silently, wx.login) once and retries.
 */

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type ApiPath = keyof paths;
export type MethodOf<P extends ApiPath> = { [M in Method]-?: paths[P][M] extends object ? M : never }[Method];
type Operation<P extends ApiPath, M extends Method> = NonNullable<paths[P][M]>;

type PathParams<O> = O extends { parameters: { path: infer X } } ? X : undefined;
type QueryOf<O> = O extends { parameters: { query?: infer Q } } ? NonNullable<Q> : undefined;
type BodyOf<O> = O extends { requestBody: { content: { 'application/json': infer B } } } ? B : undefined;
type Success<O> = O extends { responses: { 200: infer S } } ? S : O extends { responses: { 201: infer S } } ? S : never;
export type DataOf<O> = Success<O> extends { content: { 'application/json': { data: infer D } } } ? D : never;
export type Answer<P extends ApiPath, M extends MethodOf<P>> = DataOf<Operation<P, M>>;

export interface CallOptions<O> {
  params?: PathParams<O>;
  query?: QueryOf<O>;
  body?: BodyOf<O>;
}

/** A refusal from the server (`status` 0: the network failed before any answer). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    readonly reason: string,
    readonly serverMessage: string,
  ) {
    super(`${status} ${reason}: ${serverMessage}`);
    this.name = 'ApiError';
  }
}

interface Raw {
  status: number;
  body: { success?: boolean; code?: number; reason?: string; message?: string; data?: unknown } | null;
}

const REFRESH_AHEAD_MS = 5 * 60_000;
const TIMEOUT_MS = 15_000;

function send(method: Method, path: string, body: unknown, token: string | null): Promise<Raw> {
  return new Promise((resolve, reject) => {
    wx.request({
      url: `${envConfig().apiBase}${path}`,
      method: method.toUpperCase() as 'GET',
      data: body === undefined ? undefined : (body as WechatMiniprogram.IAnyObject),
      timeout: TIMEOUT_MS,
      header: {
        'content-type': 'application/json',
        'accept-language': currentLang(),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      success: (res) => resolve({ status: res.statusCode, body: (res.data && typeof res.data === 'object' ? res.data : null) as Raw['body'] }),
      fail: (err) => reject(new ApiError(0, 0, /timeout/i.test(err.errMsg) ? 'TIMEOUT' : 'NETWORK', err.errMsg)),
    });
  });
}

function unwrap<T>(raw: Raw): T {
  if (raw.status < 300 && raw.body?.success) return raw.body.data as T;
  throw new ApiError(raw.status, raw.body?.code ?? 0, raw.body?.reason ?? `HTTP_${raw.status}`, raw.body?.message ?? '');
}

type Tokens = { accessToken: string; accessExpiresIn: number; refreshToken: string; refreshExpiresIn: number };

let loggingIn: Promise<Session> | null = null;
let refreshing: Promise<Session> | null = null;

/** Silent WeChat login (one at a time, shared by every caller waiting for it). */
export function login(): Promise<Session> {
  loggingIn ??= (async () => {
    const code = await loginCode();
    const data = unwrap<{ tokens: Tokens }>(await send('post', '/api/auth/wx-login', { code }, null));
    return saveSession(data.tokens);
  })().finally(() => {
    loggingIn = null;
  });
  return loggingIn;
}

/**
 * A refresh token works once (the server rotates it and treats a second use as theft), so only one
 * refresh may be in flight; every caller waits for it. A refused refresh falls back to a login.
 */
function refresh(session: Session): Promise<Session> {
  refreshing ??= (async () => {
    try {
      const tokens = unwrap<Tokens>(await send('post', '/api/auth/refresh', { refreshToken: session.refreshToken }, null));
      return saveSession(tokens);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        clearSession();
        return login();
      }
      throw err;
    }
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

async function validSession(): Promise<Session> {
  await refreshing;
  await loggingIn;
  const session = loadSession();
  if (!session || session.refreshExpiresAt <= Date.now()) return login();
  if (session.accessExpiresAt - REFRESH_AHEAD_MS <= Date.now()) return refresh(session);
  return session;
}

function buildPath(path: string, params: unknown, query: unknown): string {
  const filled = path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(String((params as Record<string, unknown>)[name])));
  const pairs = Object.entries((query ?? {}) as Record<string, unknown>).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return pairs.length ? `${filled}?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&')}` : filled;
}

/** Public pages (no login needed): sent without a token. */
const PUBLIC = new Set<string>(['/api/packages', '/api/service-status', '/api/banners', '/api/articles', '/api/articles/{id}', '/api/articles/slug/{slug}']);

export async function api<P extends ApiPath, M extends MethodOf<P>>(method: M, path: P, options: CallOptions<Operation<P, M>> = {}): Promise<Answer<P, M>> {
  const url = buildPath(path, options.params, options.query);
  if (PUBLIC.has(path)) return unwrap(await send(method, url, options.body, null));
  const session = await validSession();
  const first = await send(method, url, options.body, session.accessToken);
  if (first.status !== 401) return unwrap(first);
  clearSession();
  const again = await login();
  return unwrap(await send(method, url, options.body, again.accessToken));
}

/** Ends this login at the server (its refresh and access tokens) and forgets it here. */
export async function logout(): Promise<void> {
  const session = loadSession();
  clearSession();
  if (session) await send('post', '/api/auth/logout', { refreshToken: session.refreshToken }, null).catch(() => undefined);
}
