import { createReadStream } from 'node:fs';
import type { RequestHandler } from 'express';
import { isAppError } from '../server/errors.js';
import { inLang, say } from '../server/i18n.js';
import { adminRequestLang } from './language.js';
import { actorFromSession } from '../server/policies/access.js';
import { EXPORT_MIME, exportDownload } from '../server/services/cardKeys/exportCardKeys.js';

/** Where a finished card-key export is downloaded (inside the admin session). */
export const EXPORT_DOWNLOAD_PATH = '/admin/exports/card-keys/:exportId';

/** Where a finished export of `exportId` is downloaded. */
export const exportDownloadUrl = (exportId: string): string => EXPORT_DOWNLOAD_PATH.replace(':exportId', encodeURIComponent(exportId));

/**
 * Streams the requester's own finished export from disk (never through memory or JSON), as an
 * attachment of the right type. Anyone else's export id, a missing or expired one: 404.
 */
export function exportDownloadRoute(): RequestHandler {
  return (req, res, next) => {
    const actor = actorFromSession(req.session?.adminUser);
    if (!actor) {
      res.status(401).json({ success: false, code: 1401, reason: 'UNAUTHORIZED', message: inLang(say('请先登录', 'Please log in first'), adminRequestLang(req)) });
      return;
    }
    exportDownload(actor, String(req.params.exportId ?? '')).then(
      (file) => {
        const format = file.filename.endsWith('.xlsx') ? 'xlsx' : 'csv';
        res.set({
          'Content-Type': EXPORT_MIME[format],
          'Content-Length': String(file.size),
          'Content-Disposition': `attachment; filename="${file.filename.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
          'Cache-Control': 'no-store',
          'X-Content-Type-Options': 'nosniff',
        });
        const stream = createReadStream(file.file);
        stream.on('error', (err) => (res.headersSent ? res.destroy(err) : next(err)));
        stream.pipe(res);
      },
      (err: unknown) => {
        if (!isAppError(err)) return next(err);
        res.status(err.status).json({ success: false, code: err.code, reason: err.reason, message: err.messageIn(adminRequestLang(req)) });
      },
    );
  };
}
