import { QueryTypes } from 'sequelize';
import { z } from 'zod';
import { db, inTransaction } from '../../db/index.js';
import { badRequest, forbidden, notFound } from '../../errors.js';
import { say } from '../../i18n.js';
import { AdminUser, Backup, BackupRestoreRequest } from '../../models/index.js';
import type { Actor } from '../../policies/actor.js';
import { authorize } from '../../policies/index.js';
import { recordOperation } from '../audit/operationLog.js';
import { parseInput, reportBackupEvent } from './backupFiles.js';
import { restoreBackupInput, type RestoreReport } from './restoreBackup.js';

/**
 * A restore is requested by one super admin with a reason and approved by another
 * before it can run. With a single active super admin nobody could approve, so the operator's
 * typed confirmation on the CLI stands for the approval (authorizeRestore).
 */
export const requestRestoreInput = z.object({
  backupId: z.coerce.number().int().positive(),
  targetDatabase: restoreBackupInput.shape.targetDatabase,
  inPlace: z.coerce.boolean().default(false),
  reason: z.string().trim().min(5, '请写明原因（至少 5 个字）').max(2000),
});

export const decideRestoreInput = z.object({
  requestId: z.coerce.number().int().positive(),
  decision: z.enum(['approve', 'reject']),
});


export async function activeSuperAdminCount(): Promise<number> {
  return AdminUser.count({ where: { role: 'super_admin', status: 'active' } });
}

export async function requestRestore(actor: Actor, raw: z.input<typeof requestRestoreInput>, ip?: string | null): Promise<BackupRestoreRequest> {
  authorize(actor, 'requestRestore', 'backups');
  const input = parseInput(requestRestoreInput, raw);
  const backup = await Backup.findByPk(input.backupId);
  if (!backup) throw notFound(say(`备份 #${input.backupId} 不存在`, `backup #${input.backupId} does not exist`), 'BACKUP_NOT_FOUND');
  if (backup.status !== 'verified') throw badRequest(say('只能恢复已校验的备份', 'Only verified backups can be restored'), 'BACKUP_NOT_VERIFIED');
  const request = await inTransaction(async (t) => {
    const row = await BackupRestoreRequest.create({ ...input, requestedBy: actor.id, status: 'pending' }, { transaction: t });
    await recordOperation({ actor, action: 'restore_request', resource: 'backup_restore_requests', recordId: row.id, after: input, ip }, t);
    return row;
  });
  await reportBackupEvent('info', 'backups.restore', `超级管理员 #${actor.id} 申请恢复备份 #${backup.id} 到 ${input.targetDatabase}（申请 #${request.id}）`, { requestId: request.id, backupId: backup.id, reason: input.reason }, {
    subject: `恢复申请待审批 / Restore request #${request.id}`,
    paragraphs: [
      `超级管理员 #${actor.id} 申请将备份 #${backup.id}（${backup.fileName}）恢复到数据库 ${input.targetDatabase}${input.inPlace ? '（覆盖在线数据库）' : ''}。`,
      `原因：${input.reason}`,
      '需要另一位超级管理员在后台“恢复申请”中审批。 Another super admin must approve it in the admin (Restore requests).',
    ],
  });
  return request;
}

export async function decideRestore(actor: Actor, raw: z.input<typeof decideRestoreInput>, ip?: string | null): Promise<BackupRestoreRequest> {
  authorize(actor, raw.decision === 'reject' ? 'reject' : 'approve', 'backup_restore_requests');
  const input = parseInput(decideRestoreInput, raw);
  const request = await inTransaction(async (t) => {
    const row = await BackupRestoreRequest.findByPk(input.requestId, { transaction: t, lock: t.LOCK.UPDATE });
    if (!row) throw notFound(say('恢复申请不存在', 'Restore request not found'), 'RESTORE_REQUEST_NOT_FOUND');
    if (row.requestedBy === actor.id) throw forbidden(say('不能审批自己的恢复申请，需要另一位超级管理员', 'You cannot decide your own restore request; another super admin must'), 'RESTORE_SELF_APPROVAL');
    if (row.status !== 'pending') throw badRequest(say(`该申请已处理（${row.status}）`, `this request was already decided (${row.status})`), 'RESTORE_REQUEST_DECIDED');
    const status = input.decision === 'approve' ? 'approved' : 'rejected';
    await row.update({ status, decidedBy: actor.id, decidedAt: new Date() }, { transaction: t });
    await recordOperation({ actor, action: `restore_${input.decision}`, resource: 'backup_restore_requests', recordId: row.id, before: { status: 'pending' }, after: { status }, ip }, t);
    return row;
  });
  await reportBackupEvent('info', 'backups.restore', `超级管理员 #${actor.id} ${input.decision === 'approve' ? '批准' : '驳回'}了恢复申请 #${request.id}`, { requestId: request.id, decision: input.decision }, {
    subject: `恢复申请已${input.decision === 'approve' ? '批准' : '驳回'} / Restore request #${request.id} ${input.decision === 'approve' ? 'approved' : 'rejected'}`,
    paragraphs: [
      `恢复申请 #${request.id}（备份 #${request.backupId} → ${request.targetDatabase}）已由超级管理员 #${actor.id} ${input.decision === 'approve' ? '批准，可以在服务器上执行' : '驳回'}。`,
      input.decision === 'approve' ? `npx seahorse backup:restore ${request.backupId} --target-database ${request.targetDatabase} --request ${request.id} --yes${request.inPlace ? ' --in-place' : ''}` : '',
    ].filter(Boolean),
  });
  return request;
}

/**
 * What lets a CLI restore run: with two or more active super admins, an approved, unused request
 * for exactly this backup and target (consumed here, once — a second run needs a new request);
 * with one, the CLI's typed confirmation (`confirmed`). Returns the request used, if any.
 */
export async function authorizeRestore(props: {
  backupId: number;
  targetDatabase: string;
  inPlace: boolean;
  requestId?: number;
  confirmed: boolean;
}): Promise<BackupRestoreRequest | null> {
  if (!props.confirmed) throw badRequest(say('恢复需要确认：加 --yes（覆盖在线数据库还需输入数据库名）', 'a restore needs confirmation: add --yes (in place: also type the database name)'), 'RESTORE_NOT_CONFIRMED');
  if (props.requestId === undefined) {
    if ((await activeSuperAdminCount()) >= 2) {
      throw forbidden(say('有多位超级管理员：恢复需要一份已批准的恢复申请（--request ID），由一位申请、另一位审批', 'there are several super admins: a restore needs an approved restore request (--request ID), asked by one and approved by another'), 'RESTORE_NEEDS_APPROVAL');
    }
    return null;
  }
  const [rows] = (await db().query(
    `UPDATE backup_restore_requests SET status = 'used', used_at = now(), updated_at = now()
      WHERE id = :id AND status = 'approved' AND backup_id = :backupId AND target_database = :target AND in_place = :inPlace
      RETURNING id`,
    { replacements: { id: props.requestId, backupId: props.backupId, target: props.targetDatabase, inPlace: props.inPlace }, type: QueryTypes.RAW },
  )) as [Array<{ id: number }>, unknown];
  if (rows.length === 0) {
    throw forbidden(say(`恢复申请 #${props.requestId} 未批准、已使用，或与此备份和目标数据库不符`, `restore request #${props.requestId} is not approved, already used, or not for this backup and target`), 'RESTORE_REQUEST_INVALID');
  }
  return BackupRestoreRequest.findByPk(props.requestId);
}

/** Logs a finished restore: operation log, system log, email to the super admins. */
export async function recordRestore(report: RestoreReport, request: BackupRestoreRequest | null, operator: string): Promise<void> {
  const summary = {
    backupId: report.backupId,
    targetDatabase: report.targetDatabase,
    requestId: request?.id ?? null,
    operator,
    tables: report.tables,
    quotaMismatches: report.quota.mismatches.length,
    internalMovesNet: report.quota.internalMovesNet,
    pointsDrift: report.pointsDrift.length,
    consistent: report.consistent,
  };
  await recordOperation({
    actor: request ? { id: request.requestedBy, role: 'super_admin' } : null,
    action: 'restore',
    resource: 'backups',
    recordId: report.backupId,
    after: summary,
  });
  const line = `备份 #${report.backupId} 已恢复到 ${report.targetDatabase}（${report.tables} 张表；对账${report.consistent ? '一致' : '发现异常'}）`;
  await reportBackupEvent(report.consistent ? 'info' : 'alert', 'backups.restore', line, summary, {
    subject: `备份已恢复 / Backup #${report.backupId} restored into ${report.targetDatabase}`,
    paragraphs: [
      `${line}。操作者：${operator}${request ? `；申请 #${request.id}` : '（唯一的超级管理员，命令行确认）'}。`,
      `额度对账：${report.quota.checkedAccounts} 个账户，${report.quota.mismatches.length} 处不一致，内部划转合计 ${report.quota.internalMovesNet}；积分不一致用户：${report.pointsDrift.length}。`,
    ],
  });
}
