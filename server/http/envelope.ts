import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { z, ZodError, type ZodType } from 'zod';
import { AppError, asUnavailable, isAppError, zodIssues } from '../errors.js';
import { requestLang, say } from '../i18n.js';
import { MALFORMED_TEXT, malformedTextAt } from '../lib/input.js';
import { logger } from '../logger.js';

/** The envelope of the mini-program API: `{ success, code, message, data }`. */
export function ok<T>(res: Response, data: T, status = 200): void {
  res.status(status).json({ success: true, code: 0, message: 'ok', data });
}

export interface Page<T> {
  total: number;
  page: number;
  pageSize: number;
  items: T[];
}

export interface PageRequest {
  page: number;
  pageSize: number;
}

/** The LIMIT / OFFSET of the page asked for. */
export const pageWindow = (q: PageRequest): { limit: number; offset: number } => ({ limit: q.pageSize, offset: (q.page - 1) * q.pageSize });

/** One page of `items` out of `total`. */
export const pageOf = <T>(q: PageRequest, total: number, items: T[]): Page<T> => ({ total, page: q.page, pageSize: q.pageSize, items });

export const pageQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

/**
 * Validates and replaces req.body / req.query / req.params; failures become 400 with the field names.
 * Text that cannot be stored as sent (NUL, lone surrogates) is refused first, whatever the schema.
 */
export function validate(schemas: { body?: ZodType; query?: ZodType; params?: ZodType }): RequestHandler {
  return (req, _res, next) => {
    for (const part of ['params', 'query', 'body'] as const) {
      const schema = schemas[part];
      if (!schema) continue;
      const unstorable = malformedTextAt(req[part]);
      if (unstorable !== null) return next(new AppError(400, 1001, 'VALIDATION_FAILED', MALFORMED_TEXT(unstorable)));
      const parsed = schema.safeParse(req[part] ?? {});
      if (!parsed.success) return next(new AppError(400, 1001, 'VALIDATION_FAILED', zodIssues(parsed.error)));
      if (part === 'query') Object.defineProperty(req, 'query', { value: parsed.data, writable: true });
      else (req as unknown as Record<string, unknown>)[part] = parsed.data;
    }
    next();
  };
}

/** Wraps an async handler so a rejection reaches the error handler (Express 4 does not do this). */
export function handle(fn: (req: Request, res: Response, next: NextFunction) => Promise<unknown>): RequestHandler {
  return (req, res, next) => {
    fn(req, res, next).catch(next);
  };
}

/** Turns every error into the envelope: AppError and bad JSON are 4xx; anything else is a logged 500. */
export const errorEnvelope: ErrorRequestHandler = (err, req, res, _next) => {
  if (res.headersSent) return;
  err = asUnavailable(err);
  if (isAppError(err) && err.status === 503) {
    res.setHeader('Retry-After', '5');
    (req.log ?? logger()).warn({ err: (err as AppError).details }, 'refused: a backing service is unavailable');
  }
  let appErr: AppError;
  if (isAppError(err)) appErr = err;
  else if (err instanceof ZodError) appErr = new AppError(400, 1001, 'VALIDATION_FAILED', zodIssues(err));
  else if (err?.type === 'entity.parse.failed') appErr = new AppError(400, 1002, 'MALFORMED_JSON', say('请求体不是合法的 JSON', 'The request body is not valid JSON'));
  else if (err?.type === 'entity.too.large') appErr = new AppError(413, 1003, 'BODY_TOO_LARGE', say('请求体过大', 'The request body is too large'));
  else if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500)
    appErr = new AppError(err.status, 1000 + err.status, 'BAD_REQUEST', String(err.message ?? 'bad request'));
  else {
    (req.log ?? logger()).error({ err }, 'unhandled error');
    appErr = new AppError(500, 1500, 'INTERNAL_ERROR', say('服务器内部错误，请稍后再试', 'Internal server error, please try again later'));
  }
  res.status(appErr.status).json({
    success: false,
    code: appErr.code,
    reason: appErr.reason,
    message: appErr.messageIn(requestLang(req)),
    ...(appErr.details !== undefined ? { details: appErr.details } : {}),
  });
};

export const notFoundEnvelope: RequestHandler = (req, res) => {
  const message = say('接口不存在', 'No such endpoint');
  res.status(404).json({ success: false, code: 1404, reason: 'NOT_FOUND', message: message[requestLang(req)] });
};
