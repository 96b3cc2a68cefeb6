import { notFound } from '../../errors.js';
import { inTransaction } from '../../db/index.js';
import { AdminUser } from '../../models/index.js';
import { replacePassword } from './replacePassword.js';
import { usernameIs } from './createAdminUser.js';
import { assertPasswordPolicy } from './password.js';
import { generatePassword } from '../bootstrap/generatePassword.js';

/**
 * Operator recovery (CLI): sets a new password for a user, clears a lockout, and — when the
 * password was generated — makes the user change it at the next login. Every session of the user
 * ends and the owner is mailed, as with any other password change (replacePassword). Audited with no actor.
 */
export async function resetAdminPassword(props: {
  username: string;
  password?: string;
}): Promise<{ username: string; generatedPassword?: string }> {
  const generatedPassword = props.password ? undefined : generatePassword();
  const password = await assertPasswordPolicy(props.password ?? generatedPassword);
  return inTransaction(async (t) => {
    const user = await AdminUser.findOne({
      where: usernameIs(props.username),
      transaction: t,
      lock: t.LOCK.UPDATE,
    });
    if (!user) throw notFound(`用户 ${props.username} 不存在`, 'USER_NOT_FOUND', 2010);
    await replacePassword(
      { user, password, action: 'cli_reset_password', actor: null, mustChangePassword: Boolean(generatedPassword), now: new Date() },
      t,
    );
    return { username: user.username, generatedPassword };
  });
}
