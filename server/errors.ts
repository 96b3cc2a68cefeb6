import { inLang, type Lang, type Localized, say } from './i18n.js';

/**
 * A refusal the user can act on: HTTP status, a stable numeric code (ranges:
 * 1xxx general, 2xxx user, 3xxx project/catalog, 4xxx order, 5xxx quota/stock, 6xxx payment),
 * a machine-readable reason and a human message in both languages (`say(zh, en)`); `message` is
 * the zh-CN text, `messageIn(lang)` the reader's. Anything else that escapes is a 500 and a bug.
 */
export class AppError extends Error {
  /** The message in both languages (a plain string given to the constructor is used for both). */
  public readonly text: Localized;

  constructor(
    public readonly status: number,
    public readonly code: number,
    public readonly reason: string,
    message: string | Localized,
    public readonly details?: unknown,
  ) {
    super(inLang(message, 'zh-CN'));
    this.text = typeof message === 'string' ? say(message, message) : message;
    this.name = 'AppError';
  }

  messageIn(lang: Lang): string {
    return this.text[lang];
  }
}

/** A zod failure as one readable line: `field: message; …`. */
export function zodIssues(err: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> }): string {
  return err.issues.map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message)).join('; ');
}

type Message = string | Localized;

export const badRequest = (message: Message, reason = 'BAD_REQUEST', code = 1001, details?: unknown) =>
  new AppError(400, code, reason, message, details);
export const unauthorized = (message: Message = say('请重新登录', 'Please log in again'), reason = 'UNAUTHORIZED', code = 1401) =>
  new AppError(401, code, reason, message);
export const forbidden = (message: Message = say('无权执行此操作', 'You may not do this'), reason = 'FORBIDDEN', code = 1403) =>
  new AppError(403, code, reason, message);
export const notFound = (message: Message = say('记录不存在', 'Record not found'), reason = 'NOT_FOUND', code = 1404) =>
  new AppError(404, code, reason, message);
export const conflict = (message: Message, reason = 'CONFLICT', code = 1409) => new AppError(409, code, reason, message);
export const tooMany = (message: Message = say('请求过于频繁，请稍后再试', 'Too many requests, please try again later'), reason = 'RATE_LIMITED', code = 1429) =>
  new AppError(429, code, reason, message);

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

/**
 * Which backing service an error says is unreachable: a lost or refused PostgreSQL connection (the
 * pool's connection errors, SQLSTATE classes 08 and 57P0x, a connection cut mid-query) or Redis
 * (ioredis giving up on a command, a closed or refused connection). `null` for anything else.
 */
export function unavailableService(err: unknown): 'postgres' | 'redis' | null {
  const e = err as { name?: string; message?: string; code?: string; parent?: { code?: string; message?: string }; original?: { code?: string } };
  if (!e || typeof e !== 'object') return null;
  const name = e.name ?? '';
  const message = e.message ?? '';
  const sqlState = e.parent?.code ?? e.original?.code ?? '';
  if (/^Sequelize(Connection|ConnectionRefused|ConnectionAcquireTimeout|ConnectionTimedOut|HostNotFound|HostNotReachable|InvalidConnection|AccessDenied)Error$/.test(name)) return 'postgres';
  if (/^(08|57P0)/.test(sqlState) || (name.startsWith('Sequelize') && /Connection terminated|ECONNREFUSED|ECONNRESET|server closed the connection/i.test(`${message} ${e.parent?.message ?? ''}`)))
    return 'postgres';
  if (/Connection terminated unexpectedly|Client has encountered a connection error/.test(message)) return 'postgres';
  if (name === 'MaxRetriesPerRequestError' || /^(Connection is closed|Stream isn't writeable)/.test(message) )
    return 'redis';
  return null;
}

/** 503 for a request that needs a service that is away right now: nothing was decided, retry later. */
export const serviceUnavailable = (service: 'postgres' | 'redis') =>
  new AppError(
    503,
    1502,
    'SERVICE_UNAVAILABLE',
    say('服务暂时不可用，请稍后再试（未做任何处理）', 'Service temporarily unavailable; nothing was done, please try again shortly'),
    { service },
  );

/** The error as the user should see it: a dependency outage becomes a 503, anything else is unchanged. */
export function asUnavailable(err: unknown): unknown {
  const service = isAppError(err) ? null : unavailableService(err);
  return service ? serviceUnavailable(service) : err;
}
