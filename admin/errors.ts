import { ForbiddenError, NotFoundError, ValidationError } from 'adminjs';
import type AdminJS from 'adminjs';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { isAppError } from '../server/errors.js';
import { say } from '../server/i18n.js';
import { adminRequestLang } from './language.js';

/**
 * AdminJS's controllers throw some refusals instead of answering them (a bulk action whose ids
 * match no visible record, a record action without an id): those become a 4xx with a notice in
 * AdminJS's shape, in the admin's language, never a 500. Anything else goes on to the app's error handler.
 */
const REFUSED = {
  404: say('记录不存在或无权访问', 'The record does not exist or you may not see it'),
  403: say('无权执行此操作', 'You are not allowed to do that'),
  400: say('输入有误', 'The input is not valid'),
  noAction: say('没有这个操作', 'There is no such action'),
};

export const adminErrorHandler: ErrorRequestHandler = (err, req, res, next) => {
  if (res.headersSent) return next(err);
  const unknownResource = err instanceof Error && err.message.startsWith('There are no resources with given id');
  const status =
    err instanceof NotFoundError || unknownResource ? 404 :
    err instanceof ForbiddenError ? 403 :
    err instanceof ValidationError ? 400 :
    isAppError(err) ? err.status :
    0;
  if (!status) return next(err);
  const lang = adminRequestLang(req);
  const message = isAppError(err) ? err.messageIn(lang) : (REFUSED[status as 404 | 403 | 400] ?? REFUSED[400])[lang];
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
    res.status(404).json({ notice: { message: REFUSED.noAction[adminRequestLang(req)], type: 'error' }, records: [], record: { params: {}, populated: {}, errors: {} } });
  };
}
