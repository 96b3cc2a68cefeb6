import { QueryTypes, type Transaction } from 'sequelize';
import { say } from '../../i18n.js';
import { inTransaction } from '../../db/index.js';
import { logger } from '../../logger.js';
import { AdminUser } from '../../models/index.js';
import { formatLocalTime } from '../identity/format.js';
import { notifyUsers } from '../notifications/notifyUsers.js';
import { getSetting } from '../systemConfig/systemConfig.js';
import { browserOf, networkOf } from './fingerprint.js';
import { recordSecurityEvent } from './securityLog.js';

/**
 * Account anomalies at login, called by the login check (identity/authenticate)
 * through the two functions below — the only hooks this module has into login.
 */

interface Seen {
  kind: 'network' | 'browser';
  value: string;
  last_seen_at: Date;
}

export interface NewLoginResult {
  newNetwork: boolean;
  newBrowser: boolean;
}

/**
 * After a successful login: remembers its network (/24, /48) and browser, and when either was not
 * seen for this user within `security.new_login_lookback_days`, tells the user (in-site and email)
 * and writes a security-log entry (when `security.new_login_alert_enabled`). A user with nothing
 * remembered yet (first login, or first since this was introduced) is only remembered: there is
 * nothing to compare with. Never fails the login: an error is logged and the login goes on.
 */
export async function noteSuccessfulLogin(login: { user: Pick<AdminUser, 'id' | 'username'>; ip: string | null; userAgent: string | null; now: Date }): Promise<NewLoginResult> {
  try {
    const [enabled, days] = await Promise.all([getSetting('security.new_login_alert_enabled'), getSetting('security.new_login_lookback_days')]);
    return await inTransaction(async (t) => {
      const network = networkOf(login.ip);
      const browser = browserOf(login.userAgent);
      const seen = await AdminUser.sequelize!.query<Seen>(
        'SELECT kind, value, last_seen_at FROM login_fingerprints WHERE user_id = :userId FOR UPDATE',
        { replacements: { userId: login.user.id }, type: QueryTypes.SELECT, transaction: t },
      );
      const since = login.now.getTime() - days * 86_400_000;
      const isNew = (kind: Seen['kind'], value: string | null) => {
        if (value === null || seen.length === 0) return false;
        const prior = seen.find((s) => s.kind === kind && s.value === value);
        return !prior || new Date(prior.last_seen_at).getTime() < since;
      };
      const result = { newNetwork: isNew('network', network), newBrowser: isNew('browser', browser) };
      for (const [kind, value] of [['network', network], ['browser', browser]] as const) {
        if (value === null) continue;
        await AdminUser.sequelize!.query(
          `INSERT INTO login_fingerprints (user_id, kind, value, first_seen_at, last_seen_at) VALUES (:userId, :kind, :value, :now, :now)
           ON CONFLICT (user_id, kind, value) DO UPDATE SET last_seen_at = GREATEST(login_fingerprints.last_seen_at, EXCLUDED.last_seen_at)`,
          { replacements: { userId: login.user.id, kind, value, now: login.now }, transaction: t },
        );
      }
      if (enabled && (result.newNetwork || result.newBrowser)) await tellNewLogin(login, network, browser, result, days, t);
      return result;
    });
  } catch (err) {
    logger().error({ err, userId: login.user.id }, 'could not check the login for anomalies');
    return { newNetwork: false, newBrowser: false };
  }
}

async function tellNewLogin(
  login: { user: Pick<AdminUser, 'id' | 'username'>; ip: string | null; userAgent: string | null; now: Date },
  network: string | null,
  browser: string,
  result: NewLoginResult,
  days: number,
  t: Transaction,
): Promise<void> {
  const common = { userId: login.user.id, ip: login.ip, userAgent: login.userAgent };
  if (result.newNetwork) await recordSecurityEvent({ ...common, kind: 'new_network', details: { network, lookbackDays: days } }, t);
  if (result.newBrowser) await recordSecurityEvent({ ...common, kind: 'new_browser', details: { browser, lookbackDays: days } }, t);
  const what = [result.newNetwork ? `新的网络（IP ${login.ip ?? '未知'}，网段 ${network}）` : null, result.newBrowser ? `新的浏览器（${browser}）` : null].filter(Boolean).join('和');
  const whatEn = [result.newNetwork ? `a new network (IP ${login.ip ?? 'unknown'}, range ${network})` : null, result.newBrowser ? `a new browser (${browser})` : null].filter(Boolean).join(' and ');
  await notifyUsers(
    {
      userIds: [login.user.id],
      event: 'security.new_login',
      title: say('新的登录环境', 'Sign-in from a new place'),
      body: say(
        `您的账号 ${login.user.username} 于 ${formatLocalTime(login.now)} 从${what}登录成功，该环境近 ${days} 天内未出现过。如果不是您本人操作，请立即修改密码并联系上级管理员。`,
        `Your account ${login.user.username} signed in at ${formatLocalTime(login.now)} from ${whatEn}, not seen in the last ${days} days. If this was not you, change your password now and tell your admin.`,
      ),
    },
    t,
  );
}

/**
 * A lock after repeated failures: the user and their superior admin (an agent's agent admin; the
 * super admins for everyone else) are told, and the lock goes into the security log. Runs in the
 * transaction that set the lock.
 */
export async function noteAccountLocked(
  lock: { user: Pick<AdminUser, 'id' | 'username' | 'parentId'>; lockedUntil: Date; failures: number; ip: string | null },
  t: Transaction,
): Promise<void> {
  const until = formatLocalTime(lock.lockedUntil);
  await recordSecurityEvent({ userId: lock.user.id, kind: 'account_locked', ip: lock.ip, details: { failures: lock.failures, lockedUntil: lock.lockedUntil.toISOString() } }, t);
  const link = { resource: 'admin_users', id: lock.user.id };
  await notifyUsers(
    {
      userIds: [lock.user.id],
      event: 'security.account_locked',
      title: say('账号已被锁定', 'Account locked'),
      body: say(
        `您的账号 ${lock.user.username} 因密码连续错误 ${lock.failures} 次已被锁定至 ${until}（最后一次尝试来自 IP ${lock.ip ?? '未知'}）。如果不是您本人操作，请联系上级管理员。`,
        `Your account ${lock.user.username} is locked until ${until} after ${lock.failures} wrong passwords in a row (the last try came from IP ${lock.ip ?? 'unknown'}). If this was not you, tell your admin.`,
      ),
    },
    t,
  );
  await notifyUsers(
    {
      userIds: await superiorsOf(lock.user, t),
      event: 'security.account_locked',
      link,
      title: say(`账号 ${lock.user.username} 已被锁定`, `Account ${lock.user.username} locked`),
      body: say(
        `账号 ${lock.user.username} 因密码连续错误 ${lock.failures} 次已被锁定至 ${until}（最后一次尝试来自 IP ${lock.ip ?? '未知'}）。如确认是本人，可在用户管理中解锁。`,
        `The account ${lock.user.username} is locked until ${until} after ${lock.failures} wrong passwords in a row (the last try came from IP ${lock.ip ?? 'unknown'}). If it was really them, you can unlock it under Users.`,
      ),
    },
    t,
  );
}

/** Who answers for `user`: their agent admin when they have one, else every active super admin (never themself). */
export async function superiorsOf(user: Pick<AdminUser, 'id' | 'parentId'>, t?: Transaction): Promise<number[]> {
  if (user.parentId) return [user.parentId];
  const rows = await AdminUser.findAll({ attributes: ['id'], where: { role: 'super_admin', status: 'active' }, transaction: t });
  return rows.map((r) => r.id).filter((id) => id !== user.id);
}
