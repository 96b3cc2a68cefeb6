import { inTransaction } from '../../db/index.js';
import { badRequest } from '../../errors.js';
import { AdminUser } from '../../models/index.js';
import { recordOperation } from '../audit/operationLog.js';
import { sendEmail } from '../email/sendEmail.js';
import { getSetting } from '../systemConfig/systemConfig.js';
import { assertPasswordPolicy, verifyPassword } from './password.js';
import { identityLink, resetPasswordMail } from './emails.js';
import type { Lang } from './format.js';
import { mayMail } from './mailThrottle.js';
import { consumeEmailToken, issueEmailToken } from './tokens.js';
import { replacePassword } from './replacePassword.js';
import { findUserByEmail } from './users.js';
import { guardSensitiveOperation } from '../security/sensitiveOps.js';

/**
 * "Forgot password": mails a reset link to an active account with this address. Unknown, pending,
 * frozen and throttled addresses get no mail, and the caller shows the same answer in every case.
 */
export async function requestPasswordReset(props: { email: unknown; lang: Lang; ip?: string | null; now?: Date }): Promise<void> {
  const now = props.now ?? new Date();
  await inTransaction(async (t) => {
    const user = await findUserByEmail(props.email, t);
    if (!user || user.status !== 'active' || !(await mayMail('reset', user.email!))) return;
    const minutes = await getSetting('security.reset_link_minutes');
    const token = await issueEmailToken(user.id, 'reset_password', minutes * 60_000, t, now);
    const mail = resetPasswordMail({
      siteName: await getSetting('basic.site_name'),
      username: user.username,
      link: identityLink('reset', { token }, props.lang),
      expiresAt: new Date(now.getTime() + minutes * 60_000),
      lang: props.lang,
    });
    await sendEmail({ to: user.email!, userId: user.id, ...mail }, t);
    await recordOperation(
      { actor: null, ownerId: user.id, action: 'request_password_reset', resource: 'admin_users', recordId: user.id, ip: props.ip },
      t,
    );
  });
}

/**
 * Follows a reset link (or an onboarding set-password link) with the new password. The policy is
 * checked first so a weak password does not burn the link.
 */
export async function resetPassword(props: { token: unknown; password: unknown; keepSid?: string | null; ip?: string | null; now?: Date }): Promise<AdminUser> {
  const now = props.now ?? new Date();
  const password = await assertPasswordPolicy(props.password);
  return inTransaction(async (t) => {
    const token = await consumeEmailToken(props.token, ['reset_password', 'set_password'], t, now);
    const user = (await AdminUser.findByPk(token.userId, { transaction: t, lock: t.LOCK.UPDATE }))!;
    if (user.status === 'frozen') throw badRequest('账号已被冻结，请联系管理员', 'ACCOUNT_FROZEN', 2034);
    const action = token.purpose === 'set_password' ? 'set_password' : 'reset_password';
    await replacePassword({ user, password, action, keepSid: props.keepSid, ip: props.ip, now }, t);
    return user;
  });
}

/** A logged-in user changes their password (also the forced change after onboarding); other sessions end. */
export async function changePassword(props: {
  userId: number;
  currentPassword: unknown;
  newPassword: unknown;
  sid?: string | null;
  ip?: string | null;
  now?: Date;
}): Promise<AdminUser> {
  const now = props.now ?? new Date();
  const password = await assertPasswordPolicy(props.newPassword);
  await guardSensitiveOperation(props.userId, 'password_change', props.ip);
  return inTransaction(async (t) => {
    const user = await AdminUser.findByPk(props.userId, { transaction: t, lock: t.LOCK.UPDATE });
    if (!user || user.status !== 'active') throw badRequest('账号不可用，请重新登录', 'ACCOUNT_UNAVAILABLE', 2037);
    if (typeof props.currentPassword !== 'string' || !(await verifyPassword(props.currentPassword, user.passwordHash))) {
      throw badRequest('当前密码不正确', 'WRONG_CURRENT_PASSWORD', 2038);
    }
    if (await verifyPassword(password, user.passwordHash)) throw badRequest('新密码不能与当前密码相同', 'PASSWORD_UNCHANGED', 2039);
    await replacePassword({ user, password, action: 'change_password', keepSid: props.sid, ip: props.ip, now }, t);
    return user;
  });
}
