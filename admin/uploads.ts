import type { Request, RequestHandler } from 'express';
import { NOT_LOGGED_IN, parseForm, refuseForm, type UploadRule } from '../server/http/guardedUpload.js';

/**
 * The admin forms that take files, by resource and action; every other admin form takes none. A
 * resource with an upload adds itself here, e.g.
 *   banners: { actions: ['new', 'edit'], rules: [{ field: 'image', maxBytes: 2 * 1024 * 1024, mimeTypes: ['image/png', 'image/jpeg', 'image/webp'] }] },
 * and its action finds the file in `request.payload.<field>` (`{ path, name, type, size }`), which
 * it must copy or move before answering: temp files are deleted when the response ends.
 */
export const ADMIN_UPLOADS: Record<string, { actions: readonly string[]; rules: readonly UploadRule[] }> = {};

const ACTION_PATH = /^\/api\/resources\/([^/]+)\/(?:actions\/([^/]+)|records\/[^/]+\/([^/]+)|bulk\/([^/]+))\/?$/;

export function uploadRulesFor(path: string): readonly UploadRule[] {
  const m = ACTION_PATH.exec(path);
  if (!m) return [];
  const entry = ADMIN_UPLOADS[decodeURIComponent(m[1]!)];
  const action = m[2] ?? m[3] ?? m[4]!;
  return entry?.actions.includes(action) ? entry.rules : [];
}

const markParsed = (req: Request, fields: Record<string, unknown>, files: Record<string, unknown>) =>
  Object.assign(req, { fields, files, express_formidable: { parsed: true } });

/**
 * Replaces AdminJS's form parser (express-formidable, which marks the request as parsed and steps
 * aside): before login only the login form is read (small, no files); after login a form is read
 * with small limits and files only where ADMIN_UPLOADS expects them. Mounted at /admin after the
 * session, so nobody who is not logged in can make the server store anything.
 */
export function adminFormParser(loginPath: string): RequestHandler {
  return (req, res, next) => {
    const loggedIn = !!req.session?.adminUser;
    const isLogin = req.method === 'POST' && req.path === loginPath;
    const multipart = /^multipart\//i.test(req.headers['content-type'] ?? '');
    if (!loggedIn && !isLogin) {
      if (multipart) return refuseForm(req, res, NOT_LOGGED_IN());
      markParsed(req, {}, {});
      return next();
    }
    parseForm(req, res, loggedIn ? uploadRulesFor(req.path) : []).then(
      ({ fields, files }) => {
        markParsed(req, fields, files);
        next();
      },
      (err: unknown) => refuseForm(req, res, err),
    );
  };
}
