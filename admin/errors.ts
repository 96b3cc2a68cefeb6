import { ForbiddenError, NotFoundError, ValidationError } from 'adminjs';
import type { ErrorRequestHandler } from 'express';
import { isAppError } from '../server/errors.js';

/**
 * AdminJS's controllers throw some refusals instead of answering them (a bulk action whose ids
 * match no visible record, a record action without an id): those become a 4xx with a notice in
 * AdminJS's shape, never a 500. Anything else goes on to the app's error handler.
 */
export const adminErrorHandler: ErrorRequestHandler = (err, _req, res, next) => {
  if (res.headersSent) return next(err);
  const status =
    err instanceof NotFoundError ? 404 :
    err instanceof ForbiddenError ? 403 :
    err instanceof ValidationError ? 400 :
    isAppError(err) ? err.status :
    0;
  if (!status) return next(err);
  const message = isAppError(err) ? err.message : status === 404 ? '记录不存在或无权访问' : status === 403 ? '无权执行此操作' : '输入有误';
  res.status(status).json({ notice: { message, type: 'error' }, records: [], record: { params: {}, populated: {}, errors: {} } });
};
