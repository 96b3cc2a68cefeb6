import { say } from '../i18n.js';
import { allow, definePolicy, refusal, SUPER, SYSTEM } from './policy.js';

const restoreRefusal = refusal(say('只有超级管理员可以申请或审批恢复', 'Only super admins may request or approve a restore'), 'RESTORE_FORBIDDEN');

/**
 * backups: super admins back up now, download and ask for a restore; nobody else sees them. The
 * operator backs up, lists and restores at the command line (a restore still needs an approved
 * request when there are several super admins: restoreRequests.ts).
 */
export const backupPolicy = definePolicy(
  'backups',
  allow(SUPER, 'backupNow', { refusal: refusal(say('只有超级管理员可以备份', 'Only super admins make backups'), 'BACKUP_FORBIDDEN') }),
  allow(SUPER, 'download', { refusal: refusal(say('只有超级管理员可以下载备份', 'Only super admins may download backups'), 'BACKUP_DOWNLOAD_FORBIDDEN') }),
  allow(SUPER, 'requestRestore', { refusal: restoreRefusal }),
  allow(SYSTEM, ['backupNow', 'listBackups', 'restore']),
);

/** backup_restore_requests: decided by a super admin (never the one who asked: restoreRequests.ts). */
export const backupRestoreRequestPolicy = definePolicy('backup_restore_requests', allow(SUPER, ['approve', 'reject'], { refusal: restoreRefusal }));
