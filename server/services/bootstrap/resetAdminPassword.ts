import { notFound } from '../../errors.js';
import { inTransaction } from '../../db/index.js';
import { AdminUser } from '../../models/index.js';
import { recordOperation } from '../audit/operationLog.js';
import { endUserSessions } from '../identity/sessions.js';
import { usernameIs } from '../users/createAdminUser.js';
import { assertPasswordPolicy, hashPassword } from '../users/password.js';
import { generatePassword } from './generatePassword.js';

/**
 * Operator recovery (CLI): sets a new password for a user, clears a lockout, and — when the
 * password was generated — makes the user change it at the next login. Every session of the user
 * ends, as with any other password change. Audited with no actor.
 */
export async function resetAdminPassword(props: {
  username: string;
  password?: string;
}): Promise<{ username: string; generatedPassword?: string }> {
  const generatedPassword = props.password ? undefined : generatePassword();
  const password = await assertPasswordPolicy(props.password ?? generatedPassword);
  const passwordHash = await hashPassword(password);
  return inTransaction(async (t) => {
    const user = await AdminUser.findOne({
      where: usernameIs(props.username),
      transaction: t,
      lock: t.LOCK.UPDATE,
    });
    if (!user) throw notFound(`用户 ${props.username} 不存在`, 'USER_NOT_FOUND', 2010);
    await user.update(
      {
        passwordHash,
        passwordChangedAt: new Date(),
        mustChangePassword: Boolean(generatedPassword),
        failedLoginCount: 0,
        lockedUntil: null,
      },
      { transaction: t },
    );
    const sessionsEnded = await endUserSessions(user.id, { transaction: t });
    await recordOperation(
      { actor: null, ownerId: user.id, action: 'reset_password', resource: 'admin_users', recordId: user.id, after: { via: 'cli', sessionsEnded } },
      t,
    );
    return { username: user.username, generatedPassword };
  });
}
