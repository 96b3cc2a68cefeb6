import { Backup } from '../../server/models/index.js';
import { defineResource } from './define.js';

/** `backups`. */
export const backupsResource = () =>
  defineResource(Backup, {
    navigation: 'system',
    list: ['id', 'fileName', 'kind', 'status', 'sizeBytes', 'verifiedAt', 'createdAt'],
    filter: ['kind', 'status', 'createdAt'],
    enums: { kind: ['daily', 'weekly', 'monthly', 'manual'], status: ['running', 'verified', 'failed', 'deleted'] },
    actions: {},
  });
