import type { Transaction } from 'sequelize';
import type { AdminUser } from '../../models/index.js';
import { recordOperation } from '../audit/operationLog.js';
import { sendEmail } from '../email/sendEmail.js';
import { getSetting } from '../systemConfig/systemConfig.js';
import { hashPassword } from './password.js';
import { asLang, passwordChangedMail } from './emails.js';
import { endUserSessions } from './sessions.js';

export interface PasswordChange {
  user: AdminUser;
  /** Already checked against the password policy. */
  password: string;
  action: 'reset_password' | 'set_password' | 'change_password' | 'admin_set_password' | 'cli_reset_password';
  /** Who did it: the user themself (default), an administrator, or null for the operator's CLI. */
  actor?: { id: number; role: string } | null;
  /** An administrator or the CLI chose it: the owner must pick their own at the next login. */
  mustChangePassword?: boolean;
  /** The session that made the change stays logged in (changing your own password does not log you out). */
  keepSid?: string | null;
  ip?: string | null;
  now: Date;
}

/**
 * THE way a password is replaced after creation (reset link, set-password link, own change, an
 * administrator's edit, the CLI): new hash, lock lifted, every other session ended, audit row,
 * notice email to the account's address.
 */
export async function replacePassword(change: PasswordChange, t: Transaction): Promise<{ endedSessions: number }> {
  const { user, now } = change;
  await user.update(
    {
      passwordHash: await hashPassword(change.password),
      mustChangePassword: change.mustChangePassword ?? false,
      passwordChangedAt: now,
      failedLoginCount: 0,
      lockedUntil: null,
    },
    { transaction: t },
  );
  const endedSessions = await endUserSessions(user.id, { keepSid: change.keepSid, transaction: t });
  await recordOperation(
    {
      actor: change.actor === undefined ? { id: user.id, role: user.role } : change.actor,
      ownerId: user.id,
      action: change.action,
      resource: 'admin_users',
      recordId: user.id,
      after: { endedSessions },
      ip: change.ip,
    },
    t,
  );
  if (user.email) {
    const mail = passwordChangedMail({ siteName: await getSetting('basic.site_name'), username: user.username, at: now, ip: change.ip ?? null, lang: asLang(user.locale) });
    await sendEmail({ to: user.email, userId: user.id, ...mail }, t);
  }
  return { endedSessions };
}
