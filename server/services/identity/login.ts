import type { AdminUser } from '../../models/index.js';
import { authenticate, type LoginAttempt } from './authenticate.js';
import type { Role } from './createAdminUser.js';

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

const ROLE_TITLES: Record<Role, string> = { super_admin: '超级管理员', agent_admin: '代理管理员', agent: '代理' };

/** The columns of an admin user a session is built from. */
export type SessionAccount = Pick<AdminUser, 'id' | 'email' | 'username' | 'role' | 'parentId' | 'locale' | 'mustChangePassword' | 'status'>;

export function toSessionAdmin(user: SessionAccount): SessionAdmin {
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
 * The admin login check. The rules (per-IP throttle, captcha after repeated failures, lock with its
 * end time, account state, login_logs row for every attempt) live in the identity service; this
 * turns the authenticated user into the session payload. Refusals are AppErrors whose message can
 * be shown on the login page as is.
 */
export async function loginAdmin(attempt: LoginAttempt): Promise<SessionAdmin> {
  return toSessionAdmin(await authenticate(attempt));
}
