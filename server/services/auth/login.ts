import { db } from '../../db/index.js';
import { AppError } from '../../errors.js';
import { AdminUser, LoginLog } from '../../models/index.js';
import { verifyAgainstDecoy, verifyPassword } from '../users/password.js';
import type { Role } from '../users/createAdminUser.js';

/** What a logged-in admin session carries (`req.session.adminUser`, AdminJS's currentAdmin). */
export interface SessionAdmin {
  id: number;
  /** AdminJS shows this in the top bar and needs it for the logout button; the username when no email is set. */
  email: string;
  username: string;
  role: Role;
  parentId: number | null;
  locale: string;
  title: string;
  mustChangePassword: boolean;
}

export interface LoginAttempt {
  username: unknown;
  password: unknown;
  ip?: string | null;
  userAgent?: string | null;
}

export type LoginReason = 'success' | 'missing_fields' | 'unknown_user' | 'wrong_password' | 'locked' | 'frozen' | 'pending';

const ROLE_TITLES: Record<Role, string> = { super_admin: '超级管理员', agent_admin: '代理管理员', agent: '代理' };

export class LoginRefused extends AppError {
  constructor(status: number, code: number, public readonly loginReason: LoginReason, message: string) {
    super(status, code, loginReason.toUpperCase(), message);
  }
}

export function toSessionAdmin(user: AdminUser): SessionAdmin {
  const role = user.role as Role;
  return {
    id: user.id,
    email: user.email ?? user.username,
    username: user.username,
    role,
    parentId: user.parentId,
    locale: user.locale,
    title: `${user.username} · ${ROLE_TITLES[role]}`,
    mustChangePassword: user.mustChangePassword,
  };
}

/**
 * The admin login check: password, then account state; every attempt lands in login_logs with ip,
 * user agent, result and reason. Failures count up in admin_users.failed_login_count so the
 * captcha/lock rules (identity issue) can read them. Returns the session payload or throws
 * LoginRefused with a message that can be shown on the login page as is.
 */
export async function loginAdmin(attempt: LoginAttempt): Promise<SessionAdmin> {
  const username = typeof attempt.username === 'string' ? attempt.username.trim().slice(0, 64) : '';
  const password = typeof attempt.password === 'string' ? attempt.password : '';
  const log = (reason: LoginReason, userId: number | null = null) =>
    LoginLog.create({
      username: username || '-',
      userId,
      ip: attempt.ip?.slice(0, 64) ?? null,
      userAgent: attempt.userAgent?.slice(0, 1000) ?? null,
      success: reason === 'success',
      reason,
    });

  if (!username || !password) {
    await log('missing_fields');
    throw new LoginRefused(400, 2030, 'missing_fields', '请输入用户名和密码');
  }
  const user = await AdminUser.findOne({ where: db().where(db().fn('lower', db().col('username')), username.toLowerCase()) });
  if (user?.lockedUntil && user.lockedUntil.getTime() > Date.now()) {
    await log('locked', user.id);
    throw new LoginRefused(403, 2033, 'locked', '账号已被临时锁定，请稍后再试');
  }
  const passwordOk = user ? await verifyPassword(password, user.passwordHash) : await verifyAgainstDecoy(password);
  if (!user || !passwordOk) {
    if (user) await user.increment('failedLoginCount');
    await log(user ? 'wrong_password' : 'unknown_user', user?.id ?? null);
    throw new LoginRefused(401, 2030, user ? 'wrong_password' : 'unknown_user', '用户名或密码错误');
  }
  if (user.status === 'frozen') {
    await log('frozen', user.id);
    throw new LoginRefused(403, 2034, 'frozen', '账号已被冻结，请联系管理员');
  }
  if (user.status !== 'active') {
    await log('pending', user.id);
    throw new LoginRefused(403, 2035, 'pending', '账号尚未激活，请先完成邮箱验证');
  }
  await user.update({ failedLoginCount: 0, lastLoginAt: new Date(), lastLoginIp: attempt.ip?.slice(0, 64) ?? null });
  await log('success', user.id);
  return toSessionAdmin(user);
}
