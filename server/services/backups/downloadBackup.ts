import { stat } from 'node:fs/promises';
import { z } from 'zod';
import { notFound } from '../../errors.js';
import { authorize } from '../../policies/index.js';
import { say } from '../../i18n.js';
import { Backup } from '../../models/index.js';
import type { Actor } from '../../policies/actor.js';
import { recordOperation } from '../audit/operationLog.js';
import { backupDir, backupPath, parseInput } from './backupFiles.js';

export const downloadBackupInput = z.object({ backupId: z.coerce.number().int().positive() });

/**
 * The stored (encrypted) file of a backup, for the super admin's streamed download. The file is
 * useless without BACKUP_KEY; the download is still logged, as it is the whole database.
 */
export async function openBackupDownload(actor: Actor, raw: z.input<typeof downloadBackupInput>, ip?: string | null): Promise<{ file: string; fileName: string; size: number }> {
  authorize(actor, 'download', 'backups');
  const { backupId } = parseInput(downloadBackupInput, raw);
  const backup = await Backup.findByPk(backupId);
  const gone = () => notFound(say('备份文件不存在（已删除或未完成）', 'The backup file does not exist (removed or not finished)'), 'BACKUP_FILE_MISSING');
  if (!backup || backup.status !== 'verified') throw gone();
  const file = backupPath(await backupDir(), backup.fileName);
  const info = await stat(file).catch(() => null);
  if (!info) throw gone();
  await recordOperation({ actor, action: 'download', resource: 'backups', recordId: backup.id, after: { fileName: backup.fileName, sha256: backup.sha256 }, ip });
  return { file, fileName: backup.fileName, size: info.size };
}
