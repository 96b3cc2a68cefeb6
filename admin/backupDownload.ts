import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import { isAppError } from '../server/errors.js';
import { logger } from '../server/logger.js';
import { actorFromSession } from '../server/policies/access.js';
import { inLang, say } from '../server/i18n.js';
import { adminRequestLang } from './language.js';
import { openBackupDownload } from '../server/services/backups/downloadBackup.js';

/** GET /admin/backups/:id/download — the encrypted file, streamed (never read into memory). Super admins only. */
export async function backupDownload(req: Request, res: Response): Promise<void> {
  try {
    const actor = actorFromSession(req.session?.adminUser);
    if (!actor) {
      res.status(401).type('text/plain; charset=utf-8').send(inLang(say('请先登录', 'Please log in first'), adminRequestLang(req)));
      return;
    }
    const { file, fileName, size } = await openBackupDownload(actor, { backupId: req.params.id }, req.ip ?? null);
    res.set({
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(size),
      'Content-Disposition': `attachment; filename="${fileName}"`,
      'Cache-Control': 'no-store',
    });
    await pipeline(createReadStream(file), res);
  } catch (err) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (isAppError(err)) {
      res.status(err.status).type('text/plain; charset=utf-8').send(err.messageIn(adminRequestLang(req)));
      return;
    }
    logger().error({ err }, 'backup download failed');
    res.status(500).type('text/plain; charset=utf-8').send(inLang(say('下载失败', 'The download failed'), adminRequestLang(req)));
  }
}
