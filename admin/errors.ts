import { ForbiddenError, NotFoundError, ValidationError } from 'adminjs';
import type AdminJS from 'adminjs';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { isAppError } from '../server/errors.js';

/**
 * AdminJS's controllers throw some refusals instead of answering them (a bulk action whose ids
 * match no visible record, a record action without an id): those become a 4xx with a notice in
 * AdminJS's shape, never a 500. Anything else goes on to the app's error handler.
 */
export const adminErrorHandler: ErrorRequestHandler = (err, _req, res, next) => {
  if (res.headersSent) return next(err);
  const unknownResource = err instanceof Error && err.message.startsWith('There are no resources with given id');
  const status =
    err instanceof NotFoundError || unknownResource ? 404 :
    err instanceof ForbiddenError ? 403 :
    err instanceof ValidationError ? 400 :
    isAppError(err) ? err.status :
    0;
  if (!status) return next(err);
  const message = isAppError(err) ? err.message : status === 404 ? '记录不存在或无权访问' : status === 403 ? '无权执行此操作' : '输入有误';
  res.status(status).json({ notice: { message, type: 'error' }, records: [], record: { params: {}, populated: {}, errors: {} } });
};

const ACTION_PATH = /^\/([^/]+)\/(?:actions\/([^/]+)|records\/[^/]+\/([^/]+)|bulk\/([^/]+))/;

/** AdminJS crashes (500) on an action name a resource does not have: answer 404 before it gets there. */
export function rejectUnknownActions(admin: AdminJS): RequestHandler {
  return (req, res, next) => {
    const m = ACTION_PATH.exec(req.path);
    if (!m) return next();
    const resource = admin.resources.find((r) => r.id() === decodeURIComponent(m[1]!));
    const action = decodeURIComponent((m[2] ?? m[3] ?? m[4])!);
    if (resource && Object.prototype.hasOwnProperty.call(resource.decorate().actions, action)) return next();
    res.status(404).json({ notice: { message: '没有这个操作', type: 'error' }, records: [], record: { params: {}, populated: {}, errors: {} } });
  };
}
