import type { RequestHandler } from 'express';
import { AdminUser } from '../../models/index.js';
import { sessionAccountOf } from '../../services/identity/adminSessions.js';
import { ADMIN_LOGIN_PATH } from '../../services/identity/onboardAgent.js';

export const CHANGE_PASSWORD_PATH = '/admin/change-password';
export const LOGOUT_PATH = '/admin/logout';

// Reachable while a password change is pending: the change page itself and logging out.
const OPEN_WHILE_CHANGE_PENDING = [CHANGE_PASSWORD_PATH, LOGOUT_PATH, ADMIN_LOGIN_PATH];

const wantsHtml = (accept: string | undefined, path: string) => !path.startsWith('/admin/api/') && (accept ?? '').includes('text/html');

/**
 * Runs on every /admin request after the session middleware: while the account must change its
 * password (onboarded agents, passwords set by an administrator), pages redirect to the change page
 * and API calls are refused. The flag is the account row's, not the session copy's, so it holds on
 * every web process; the session store already read that row with the session (sessionAccountOf),
 * so only a session not read that way costs a query. Frozen or deleted accounts are ended by the
 * admin mount's session refresh.
 */
export function identityGuard(): RequestHandler {
  return (req, res, next) => {
    const sessionUser = req.session?.adminUser;
    if (!sessionUser) return next();
    const path = req.originalUrl.split('?')[0]!;
    if (OPEN_WHILE_CHANGE_PENDING.some((p) => path === p || path.startsWith(`${p}/`))) return next();
    const read = sessionAccountOf(req);
    const account = read !== undefined && read?.id === Number(sessionUser.id) ? Promise.resolve(read) : AdminUser.findByPk(sessionUser.id, { attributes: ['id', 'status', 'mustChangePassword'] });
    account
      .then((user) => {
        if (!user || user.status !== 'active' || !user.mustChangePassword) return next();
        if (wantsHtml(req.headers.accept, path)) return res.redirect(CHANGE_PASSWORD_PATH);
        res.status(403).json({ success: false, code: 2042, reason: 'PASSWORD_CHANGE_REQUIRED', message: '请先修改初始密码', notice: { message: '请先修改初始密码', type: 'error' } });
      })
      .catch(next);
  };
}
