import type { ActionContext, ActionRequest, ActionResponse } from 'adminjs';
import { authorize } from '../../server/policies/index.js';
import { recordOperation } from '../../server/services/audit/operationLog.js';
import { createBackupJob } from '../../server/services/backups/createBackup.js';
import { decideRestore, requestRestore } from '../../server/services/backups/restoreRequests.js';
import { Components } from '../componentLoader.js';
import { requestIp, sessionActor, type DomainAction } from '../resources/define.js';
import { commandHandler, payloadOf, spoken } from './helpers.js';
import { say } from '../../server/i18n.js';

/**
 * 备份: 立即备份 (queued for the worker, progress on the list), 下载 (the encrypted file, streamed
 * by /admin/backups/:id/download), 申请恢复; 恢复申请: 批准 / 驳回 by another super admin. The
 * restore itself runs on the server (`seahorse backup:restore … --request ID`), never from a web
 * request: it needs web and worker stopped when it replaces the live database.
 */

const listUrl = (context: ActionContext, resourceId: string) => context.h.resourceUrl({ resourceId });

export const backupActions: Record<string, DomainAction> = {
  backupNow: {
    actionType: 'resource',
    icon: 'Save',
    component: Components.CommandForm,
    custom: {
      title: '立即备份',
      description: '由后台任务执行 pg_dump，加密写入备份目录并校验；进度和结果显示在备份列表中，失败会邮件通知超级管理员。',
      submitLabel: '开始备份',
      fields: [],
    },
    handler: async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
      if (request.method !== 'post') return {}; // opening the form asks first; only the submit starts a backup
      const actor = sessionActor(context);
      authorize(actor, 'backupNow', 'backups');
      const job = await createBackupJob.enqueue({ kind: 'manual', actorId: actor.id });
      await recordOperation({ actor, action: 'backup_now', resource: 'backups', recordId: null, after: { jobId: job.id }, ip: requestIp(request) });
      return { notice: { message: spoken(say('已开始备份，请在列表中查看进度', 'Backup started: see its progress in the list'), context), type: 'success' }, redirectUrl: listUrl(context, 'backups') };
    },
  },
  download: {
    actionType: 'record',
    icon: 'Download',
    component: Components.ConfirmAction,
    isAccessible: (context) => context.record?.params.status === 'verified',
    custom: { title: '下载备份', description: '下载加密的备份文件（没有 BACKUP_KEY 无法解密）。下载会记入操作日志。', submitLabel: '下载' },
    handler: async (_request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => ({
      record: context.record!.toJSON(context.currentAdmin),
      redirectUrl: `/admin/backups/${encodeURIComponent(String(context.record!.id()))}/download`,
    }),
  },
  requestRestore: {
    actionType: 'record',
    icon: 'RotateCcw',
    component: Components.CommandForm,
    isAccessible: (context) => context.record?.params.status === 'verified',
    custom: {
      title: '申请恢复',
      description: '恢复需要另一位超级管理员批准，批准后在服务器上执行 seahorse backup:restore（见 README）。只有一位超级管理员时，命令行中的确认即为批准。',
      submitLabel: '提交申请',
      summary: [
        { label: '文件', path: 'fileName' },
        { label: 'SHA-256', path: 'sha256' },
      ],
      fields: [
        { name: 'targetDatabase', label: '恢复到数据库（新数据库名）', type: 'text', required: true, placeholder: 'seahorse_restore' },
        { name: 'inPlace', label: '覆盖在线数据库', type: 'select', options: [{ value: 'false', label: '否（恢复到新数据库）' }, { value: 'true', label: '是（需停止服务）' }] },
        { name: 'reason', label: '原因', type: 'textarea', required: true },
      ],
    },
    handler: async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
      const p = payloadOf(request);
      const created = await requestRestore(
        sessionActor(context),
        { backupId: Number(context.record!.id()), targetDatabase: String(p.targetDatabase ?? ''), inPlace: p.inPlace === 'true', reason: String(p.reason ?? '') },
        requestIp(request),
      );
      return {
        record: context.record!.toJSON(context.currentAdmin),
        notice: { message: spoken(say(`已提交恢复申请 #${created.id}，等待另一位超级管理员审批`, `Restore request #${created.id} submitted; it waits for another super admin's approval`), context), type: 'success' },
        redirectUrl: listUrl(context, 'backup_restore_requests'),
      };
    },
  },
};

const decide = (decision: 'approve' | 'reject'): DomainAction => ({
  actionType: 'record',
  icon: decision === 'approve' ? 'Check' : 'X',
  component: Components.ConfirmAction,
  isAccessible: (context) => context.record?.params.status === 'pending',
  custom:
    decision === 'approve'
      ? { title: '批准恢复', description: '批准后，运维可在服务器上用 --request 执行这次恢复（只能使用一次）。不能批准自己的申请。', submitLabel: '批准' }
      : { title: '驳回恢复', description: '驳回后该申请不能再使用。', submitLabel: '驳回' },
  handler: commandHandler(
    'backup_restore_requests',
    async ({ actor, id, ip }) => {
      const row = await decideRestore(actor, { requestId: Number(id), decision }, ip);
      return decision === 'approve' ? say(`已批准恢复申请 #${row.id}`, `Restore request #${row.id} approved`) : say(`已驳回恢复申请 #${row.id}`, `Restore request #${row.id} rejected`);
    },
    'reload',
  ),
});

export const restoreRequestActions: Record<string, DomainAction> = { approve: decide('approve'), reject: decide('reject') };
