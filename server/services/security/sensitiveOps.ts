import { tooMany } from '../../errors.js';
import { say, type Localized } from '../../i18n.js';
import { AdminUser } from '../../models/index.js';
import { redis, redisKey } from '../../redis.js';
import { notifyUsers } from '../notifications/notifyUsers.js';
import { getSetting } from '../systemConfig/systemConfig.js';
import { recordSecurityEvent } from './securityLog.js';

/** The operations counted together against `security.sensitive_ops_max` per user. */
export type SensitiveOperation =
  | 'password_change'
  | 'email_change'
  | 'quota_recharge'
  | 'quota_transfer'
  | 'quota_withdrawal'
  | 'card_key_export'
  | 'card_key_revocation';

const LABELS: Record<SensitiveOperation, Localized> = {
  password_change: say('修改密码', 'password change'),
  email_change: say('修改邮箱', 'email change'),
  quota_recharge: say('额度充值', 'quota recharge'),
  quota_transfer: say('额度转账', 'quota transfer'),
  quota_withdrawal: say('申请提现', 'withdrawal request'),
  card_key_export: say('导出卡密', 'card key export'),
  card_key_revocation: say('禁用或吊销卡密', 'card key disable or revocation'),
};

const minutesText = (ms: number) => Math.max(1, Math.ceil(ms / 60_000));

function refusal(ms: number) {
  const minutes = minutesText(ms);
  return tooMany(
    say(`敏感操作过于频繁，已暂时限制，请 ${minutes} 分钟后再试。如有疑问请联系超级管理员。`, `Too many sensitive operations: they are paused for your account. Try again in ${minutes} minute(s), or contact a super admin.`),
    'SENSITIVE_OPS_LIMITED',
    2043,
  );
}

/**
 * Counts one sensitive operation of the admin user `userId` and refuses it (429, both languages) when the account is
 * over `security.sensitive_ops_max` within `security.sensitive_ops_window_minutes`; the account then
 * stays refused for `security.sensitive_ops_block_minutes`, and the moment it crosses the line is
 * written to the security log and told to the super admins — once per block. Counters live in Redis
 * (shared by every process). Super admins are not limited: they are the ones told, and they run the
 * system's own bulk work (recharges of every account when seeding).
 * Call it first thing in a command, before its transaction: a refused operation changes nothing.
 */
export async function guardSensitiveOperation(userId: number, operation: SensitiveOperation, ip?: string | null): Promise<void> {
  const user = await AdminUser.findByPk(userId, { attributes: ['id', 'username', 'role'] });
  if (!user || user.role === 'super_admin') return;
  const [max, windowMinutes, blockMinutes] = await Promise.all([
    getSetting('security.sensitive_ops_max'),
    getSetting('security.sensitive_ops_window_minutes'),
    getSetting('security.sensitive_ops_block_minutes'),
  ]);
  const client = redis();
  const blockKey = redisKey('sensitive-ops', 'block', user.id);
  const countKey = redisKey('sensitive-ops', 'count', user.id);
  const blockedFor = await client.pttl(blockKey);
  if (blockedFor > 0) throw refusal(blockedFor);

  const replies = await client.multi().incr(countKey).pexpire(countKey, windowMinutes * 60_000, 'NX').exec();
  const count = Number(replies?.[0]?.[1] ?? 0);
  if (count <= max) return;

  const blockMs = blockMinutes * 60_000;
  if ((await client.set(blockKey, operation, 'PX', blockMs, 'NX')) === 'OK') {
    await client.del(countKey);
    await tellSuperAdmins(user, operation, { max, windowMinutes, blockMinutes }, ip ?? null);
  }
  throw refusal(blockMs);
}

async function tellSuperAdmins(user: Pick<AdminUser, 'id' | 'username'>, operation: SensitiveOperation, limits: { max: number; windowMinutes: number; blockMinutes: number }, ip: string | null): Promise<void> {
  await recordSecurityEvent({ userId: user.id, kind: 'sensitive_ops_limited', ip, details: { operation, ...limits } });
  const superAdmins = await AdminUser.findAll({ attributes: ['id'], where: { role: 'super_admin', status: 'active' } });
  await notifyUsers({
    userIds: superAdmins.map((u) => u.id),
    event: 'security.sensitive_ops_limited',
    link: { resource: 'admin_users', id: user.id },
    title: say(`敏感操作频繁：${user.username}`, `Frequent sensitive operations: ${user.username}`),
    body: say(
      `账号 ${user.username} 在 ${limits.windowMinutes} 分钟内的敏感操作超过 ${limits.max} 次（最近一次：${LABELS[operation]['zh-CN']}${ip ? `，IP ${ip}` : ''}），其后 ${limits.blockMinutes} 分钟内的敏感操作将被拒绝。请核实是否为本人操作。`,
      `The account ${user.username} made more than ${limits.max} sensitive operations within ${limits.windowMinutes} minutes (the last: ${LABELS[operation].en}${ip ? `, IP ${ip}` : ''}); its sensitive operations are refused for the next ${limits.blockMinutes} minutes. Please check that it was really them.`,
    ),
  });
}
