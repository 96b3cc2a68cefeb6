import { Backup } from '../../server/models/index.js';
import { backupActions } from '../actions/backups.js';
import { defineResource } from './define.js';

/** `backups`: the list with progress and checksum; 立即备份, 下载, 申请恢复 (admin/actions/backups.ts). */
export const backupsResource = () =>
  defineResource(Backup, {
    navigation: 'system',
    list: ['id', 'kind', 'status', 'phase', 'progressBytes', 'sizeBytes', 'sha256', 'verifiedAt', 'createdBy', 'createdAt'],
    show: ['id', 'fileName', 'kind', 'status', 'phase', 'progressBytes', 'sizeBytes', 'sha256', 'tableCount', 'error', 'verifiedAt', 'createdBy', 'createdAt', 'deletedAt'],
    filter: ['kind', 'status', 'createdAt'],
    textarea: ['error'],
    enums: { kind: ['daily', 'weekly', 'monthly', 'manual'], status: ['running', 'verified', 'failed', 'deleted'], phase: ['dumping', 'verifying'] },
    sort: { sortBy: 'id', direction: 'desc' },
    actions: { ...backupActions },
  });
