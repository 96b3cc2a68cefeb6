import { inTransaction } from '../../db/index.js';
import { AdminUser } from '../../models/index.js';
import { recordOperation } from '../audit/operationLog.js';
import { consumeEmailToken } from './tokens.js';

/** Follows a verification link: the pending agent becomes active. Expired, reused or tampered links are refused. */
export async function verifyEmail(props: { token: unknown; ip?: string | null; now?: Date }): Promise<AdminUser> {
  const now = props.now ?? new Date();
  return inTransaction(async (t) => {
    const token = await consumeEmailToken(props.token, ['verify_email'], t, now);
    const user = (await AdminUser.findByPk(token.userId, { transaction: t, lock: t.LOCK.UPDATE }))!;
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
