import { BackupRestoreRequest } from '../../server/models/index.js';
import { restoreRequestActions } from '../actions/backups.js';
import { defineResource } from './define.js';

/** `backup_restore_requests`: asked for on a backup (申请恢复), 批准 / 驳回 by another super admin. */
export const backupRestoreRequestsResource = () =>
  defineResource(BackupRestoreRequest, {
    navigation: 'system',
    list: ['id', 'backupId', 'targetDatabase', 'inPlace', 'status', 'requestedBy', 'decidedBy', 'decidedAt', 'usedAt', 'createdAt'],
    show: ['id', 'backupId', 'targetDatabase', 'inPlace', 'reason', 'status', 'requestedBy', 'decidedBy', 'decidedAt', 'usedAt', 'createdAt'],
    filter: ['status', 'createdAt'],
    textarea: ['reason'],
    enums: { status: ['pending', 'approved', 'rejected', 'used'] },
    sort: { sortBy: 'id', direction: 'desc' },
    actions: { ...restoreRequestActions },
  });
