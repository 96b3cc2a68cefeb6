import type { Transaction } from 'sequelize';
import { inTransaction } from '../../db/index.js';
import { badRequest } from '../../errors.js';
import { say } from '../../i18n.js';
import { emailIs } from './createAdminUser.js';
import { AdminUser } from '../../models/index.js';
import { recordOperation } from '../audit/operationLog.js';
import { consumeEmailToken, inspectEmailToken } from './tokens.js';

/**
 * Reads a verification link without using it, for the confirmation page its GET shows: mail
 * scanners and link previews open links, so only the confirming POST (verifyEmail) may activate.
 * Expired, used or tampered links are refused the same way verifyEmail refuses them.
 */
export async function inspectVerificationLink(props: { token: unknown; now?: Date }): Promise<{ username: string }> {
  const token = await inspectEmailToken(props.token, ['verify_email', 'change_email'], props.now ?? new Date());
  const user = (await AdminUser.findByPk(token.userId, { attributes: ['username'] }))!;
  return { username: user.username };
}

/**
 * Uses a verification link (the confirming POST): the pending agent becomes active; a change_email
 * link makes the waiting new address the account's email. Expired, reused or tampered links are refused.
 */
export async function verifyEmail(props: { token: unknown; ip?: string | null; now?: Date }): Promise<AdminUser> {
  const now = props.now ?? new Date();
  return inTransaction(async (t) => {
    const token = await consumeEmailToken(props.token, ['verify_email', 'change_email'], t, now);
    const user = (await AdminUser.findByPk(token.userId, { transaction: t, lock: t.LOCK.UPDATE }))!;
    if (token.purpose === 'change_email') return confirmNewEmail(user, props.ip ?? null, now, t);
    const before = { status: user.status };
    // A frozen account stays frozen: verifying an address must not undo an administrator's decision.
    await user.update({ emailVerifiedAt: now, ...(user.status === 'pending' ? { status: 'active' } : {}) }, { transaction: t });
    await recordOperation(
      { actor: { id: user.id, role: user.role }, ownerId: user.id, action: 'verify_email', resource: 'admin_users', recordId: user.id, before, after: { status: user.status }, ip: props.ip },
      t,
    );
    return user;
  });
}

async function confirmNewEmail(user: AdminUser, ip: string | null, now: Date, t: Transaction): Promise<AdminUser> {
  const email = user.pendingEmail;
  if (!email) throw badRequest(say('该链接已失效', 'This link is no longer valid'), 'TOKEN_INVALID', 2030);
  const taken = await AdminUser.findOne({ attributes: ['id'], where: emailIs(email), transaction: t });
  if (taken && taken.id !== user.id) throw badRequest(say('该邮箱已被其他账号使用', 'This address is used by another account'), 'EMAIL_TAKEN', 2004);
  const before = { email: user.email };
  await user.update({ email, pendingEmail: null, emailVerifiedAt: now }, { transaction: t });
  await recordOperation(
    { actor: { id: user.id, role: user.role }, ownerId: user.id, action: 'confirm_email', resource: 'admin_users', recordId: user.id, before, after: { email }, ip },
    t,
  );
  return user;
}
