import { badRequest, forbidden } from '../../errors.js';
import { inTransaction } from '../../db/index.js';
import type { AdminUser } from '../../models/index.js';
import { sendEmail } from '../email/sendEmail.js';
import { getSetting } from '../systemConfig/systemConfig.js';
import { createAdminUser } from './createAdminUser.js';
import { checkCaptcha } from './captcha.js';
import { identityLink, verifyEmailMail } from './emails.js';
import type { Lang } from './format.js';
import { findUserByEmail } from './users.js';
import { mayMail } from './mailThrottle.js';
import { issueEmailToken } from './tokens.js';

export interface RegisterAgentProps {
  username: unknown;
  password: unknown;
  email: unknown;
  captchaId: unknown;
  captchaAnswer: unknown;
  lang: Lang;
  ip?: string | null;
  now?: Date;
}

/**
 * Agent self-registration: a pending agent (no parent) plus a verification email. Only agents can
 * register; admins are created by a super admin. Closed when `basic.registration_enabled` is off.
 */
export async function registerAgent(props: RegisterAgentProps): Promise<AdminUser> {
  if (!(await getSetting('basic.registration_enabled'))) throw forbidden('暂未开放注册', 'REGISTRATION_CLOSED', 2010);
  if (!(await checkCaptcha(props.captchaId, props.captchaAnswer))) throw badRequest('验证码错误，请重新输入', 'CAPTCHA_INVALID', 2032);
  if (typeof props.email !== 'string' || !props.email.trim()) throw badRequest('请输入邮箱', 'EMAIL_REQUIRED', 2004);
  const now = props.now ?? new Date();
  return inTransaction(async (t) => {
    const user = await createAdminUser(
      {
        username: String(props.username ?? ''),
        password: props.password as string,
        email: props.email as string,
        role: 'agent',
        status: 'pending',
        ip: props.ip,
      },
      t,
    );
    await user.update({ locale: props.lang }, { transaction: t });
    await mailVerification(user, props.lang, now, t);
    return user;
  });
}

async function mailVerification(user: AdminUser, lang: Lang, now: Date, t: Parameters<typeof issueEmailToken>[3]): Promise<void> {
  const hours = await getSetting('security.verify_link_hours');
  const token = await issueEmailToken(user.id, 'verify_email', hours * 3600_000, t, now);
  const mail = verifyEmailMail({
    siteName: await getSetting('basic.site_name'),
    username: user.username,
    link: identityLink('verify', { token }, lang),
    expiresAt: new Date(now.getTime() + hours * 3600_000),
    lang,
  });
  await sendEmail({ to: user.email!, userId: user.id, ...mail }, t);
}

/**
 * Sends a fresh verification link to a pending account; older links stop working. Answers the same
 * for unknown, already active and throttled addresses, so it reveals nothing about accounts.
 */
export async function resendVerification(props: { email: unknown; lang: Lang; now?: Date }): Promise<void> {
  const now = props.now ?? new Date();
  await inTransaction(async (t) => {
    const user = await findUserByEmail(props.email, t);
    if (!user || user.status !== 'pending' || !(await mayMail('verify', user.email!))) return;
    await mailVerification(user, props.lang, now, t);
  });
}
