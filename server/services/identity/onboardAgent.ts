import { randomBytes } from 'node:crypto';
import { config } from '../../config.js';
import { inTransaction } from '../../db/index.js';
import { badRequest, forbidden } from '../../errors.js';
import { AdminUser } from '../../models/index.js';
import type { Actor } from '../../policies/actor.js';
import { sendEmail } from '../email/sendEmail.js';
import { getSetting } from '../systemConfig/systemConfig.js';
import { createAdminUser } from './createAdminUser.js';
import { agentAccountMail, identityLink } from './emails.js';
import type { Lang } from './format.js';
import { issueEmailToken } from './tokens.js';

export const ADMIN_LOGIN_PATH = '/admin/login';

export interface OnboardAgentProps {
  actor: Actor;
  username: unknown;
  email: unknown;
  /** An initial password the admin hands over; omitted → only the emailed set-password link works. */
  initialPassword?: unknown;
  /** The agent admin who will own the agent; an agent admin always owns what they create. */
  parentId?: number | null;
  lang?: Lang;
  ip?: string | null;
  now?: Date;
}

/**
 * An agent admin (or super admin) creates an agent: active, email trusted, must change the
 * password at first login, and an account email with a one-time set-password link.
 */
export async function onboardAgent(props: OnboardAgentProps): Promise<AdminUser> {
  const { actor } = props;
  if (actor.role !== 'agent_admin' && actor.role !== 'super_admin') throw forbidden('只有管理员可以创建代理', 'NOT_AN_ADMIN', 2403);
  if (typeof props.email !== 'string' || !props.email.trim()) throw badRequest('请输入代理的邮箱，账号信息将发送到该邮箱', 'EMAIL_REQUIRED', 2004);
  const parentId = actor.role === 'agent_admin' ? actor.id : (props.parentId ?? null);
  const hasInitial = typeof props.initialPassword === 'string' && props.initialPassword !== '';
  // Nobody knows this random password: without an initial password the emailed link is the only way in.
  const password = hasInitial ? (props.initialPassword as string) : `${randomBytes(24).toString('base64url')}a1`;
  const lang = props.lang ?? 'zh-CN';
  const now = props.now ?? new Date();
  return inTransaction(async (t) => {
    const user = await createAdminUser(
      {
        username: String(props.username ?? ''),
        password,
        email: props.email as string,
        role: 'agent',
        parentId,
        status: 'active',
        mustChangePassword: true,
        emailVerified: true,
        actor,
        ip: props.ip,
      },
      t,
    );
    if (lang !== 'zh-CN') await user.update({ locale: lang }, { transaction: t });
    const hours = await getSetting('security.verify_link_hours');
    const token = await issueEmailToken(user.id, 'set_password', hours * 3600_000, t, now);
    const creator = await AdminUser.findByPk(actor.id, { transaction: t });
    const mail = agentAccountMail({
      siteName: await getSetting('basic.site_name'),
      username: user.username,
      createdBy: creator?.username ?? '',
      loginUrl: new URL(ADMIN_LOGIN_PATH, config().PUBLIC_URL).toString(),
      link: identityLink('reset', { token }, lang),
      expiresAt: new Date(now.getTime() + hours * 3600_000),
      lang,
    });
    await sendEmail({ to: user.email!, userId: user.id, ...mail }, t);
    return user;
  });
}
