import { readFile, rm, stat } from 'node:fs/promises';
import type { Request, RequestHandler } from 'express';
import { badRequest } from '../server/errors.js';
import { NOT_LOGGED_IN, parseForm, refuseForm, type UploadRule } from '../server/http/guardedUpload.js';
import { say } from '../server/i18n.js';
import { BANNER_MAX_BYTES } from '../server/services/content/bannerImage.js';

/**
 * The admin forms that take files, by resource and action; every other admin form takes none. A
 * resource with an upload adds itself here (as `banners` does), and its action finds the file in `request.payload.<field>` (`{ path, name, type, size }`), which
 * it must copy or move before answering: temp files are deleted when the response ends.
 */
export const ADMIN_UPLOADS: Record<string, { actions: readonly string[]; rules: readonly UploadRule[] }> = {
  // The type the browser claims is not checked: the banner command judges the bytes, and says
  // precisely what is wrong with a file up to twice the size it accepts (larger is a bare 413).
  banners: { actions: ['new', 'edit'], rules: [{ field: 'imageFile', maxBytes: 2 * BANNER_MAX_BYTES }] },
};

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


/**
 * The one place admin actions take an uploaded file from a form (AdminJS's multipart parser has
 * already written it to a temp file): an explicit byte limit checked BEFORE reading, and the temp
 * file always deleted afterwards, whatever happens. Files are judged by content by the command.
 */
interface TempFile {
  path: string;
  size?: number;
}

const isTempFile = (v: unknown): v is TempFile => !!v && typeof v === 'object' && typeof (v as TempFile).path === 'string';

/** The bytes of the uploaded file in `value` (null when none was sent), at most `maxBytes`. */
export async function takeUpload(value: unknown, maxBytes: number, tooLarge = say('文件过大', 'The file is too large')): Promise<Buffer | null> {
  if (!isTempFile(value)) return null;
  try {
    const { size } = await stat(value.path);
    if (size === 0) return null;
    if (size > maxBytes) throw badRequest(tooLarge, 'FILE_TOO_LARGE', 1413);
    return await readFile(value.path);
  } finally {
    await rm(value.path, { force: true });
  }
}

/** Deletes every temp file left in a payload (fields the action did not take). */
export async function discardUploads(payload: Record<string, unknown> | undefined): Promise<void> {
  for (const v of Object.values(payload ?? {})) if (isTempFile(v)) await rm(v.path, { force: true });
}
