import { rm } from 'node:fs/promises';
import { Op } from 'sequelize';
import { Backup } from '../../models/index.js';
import { getSetting } from '../systemConfig/systemConfig.js';
import { backupDir, backupPath } from './backupFiles.js';

export interface RetentionResult {
  kept: Record<'daily' | 'weekly' | 'monthly', number>;
  /** Ids of the backups whose files were removed (rows marked `deleted`). */
  removed: number[];
}

/**
 * Keeps the newest N verified backups of each scheduled kind (settings basic.backup_keep_daily /
 * _weekly / _monthly, 7 / 4 / 12 by default) and removes the rest: the file is deleted, the row
 * stays as `deleted` with the time. Manual backups are never removed by retention; failed ones
 * have no file (it is removed when the backup fails) and stay as the record of the failure.
 */
export async function applyRetention(now = new Date()): Promise<RetentionResult> {
  const limits = {
    daily: await getSetting('basic.backup_keep_daily'),
    weekly: await getSetting('basic.backup_keep_weekly'),
    monthly: await getSetting('basic.backup_keep_monthly'),
  };
  const dir = await backupDir();
  const removed: number[] = [];
  const kept = { daily: 0, weekly: 0, monthly: 0 };
  for (const kind of ['daily', 'weekly', 'monthly'] as const) {
    const rows = await Backup.findAll({
      attributes: ['id', 'fileName', 'status'],
      where: { kind, status: 'verified', createdAt: { [Op.lte]: now } },
      order: [['createdAt', 'DESC'], ['id', 'DESC']],
    });
    kept[kind] = Math.min(rows.length, limits[kind]);
    for (const row of rows.slice(limits[kind])) {
      await rm(backupPath(dir, row.fileName), { force: true });
      await Backup.update({ status: 'deleted', deletedAt: now }, { where: { id: row.id, status: 'verified' } });
      removed.push(row.id);
    }
  }
  return { kept, removed };
}
