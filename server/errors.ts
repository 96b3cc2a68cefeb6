/**
 * A refusal the user can act on: HTTP status, a stable numeric code (SPEC §14 ranges:
 * 1xxx general, 2xxx user, 3xxx project/catalog, 4xxx order, 5xxx quota/stock, 6xxx payment),
 * a machine-readable reason and a human message. Anything else that escapes is a 500 and a bug.
 */
export class AppError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: number,
    public readonly reason: string,
    message: string,
    public readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** A zod failure as one readable line: `field: message; …`. */
export function zodIssues(err: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> }): string {
  return err.issues.map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message)).join('; ');
}

export const badRequest = (message: string, reason = 'BAD_REQUEST', code = 1001, details?: unknown) =>
  new AppError(400, code, reason, message, details);
export const unauthorized = (message = '请重新登录', reason = 'UNAUTHORIZED', code = 1401) =>
  new AppError(401, code, reason, message);
export const forbidden = (message = '无权执行此操作', reason = 'FORBIDDEN', code = 1403) =>
  new AppError(403, code, reason, message);
export const notFound = (message = '记录不存在', reason = 'NOT_FOUND', code = 1404) => new AppError(404, code, reason, message);
export const conflict = (message: string, reason = 'CONFLICT', code = 1409) => new AppError(409, code, reason, message);
export const tooMany = (message = '请求过于频繁，请稍后再试', reason = 'RATE_LIMITED', code = 1429) =>
  new AppError(429, code, reason, message);

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
