import { inTransaction } from '../../db/index.js';
import { authorize } from '../../policies/index.js';
import { conflict, notFound } from '../../errors.js';
import { say } from '../../i18n.js';
import { MiniUser } from '../../models/index.js';
import { recordOperation } from '../audit/operationLog.js';

/**
 * An admin freezes or unfreezes a mini-program user. Freezing bumps token_version, so every
 * token already issued dies at once (the next request gets 401, a new login gets 403).
 */
export async function setMiniUserStatus(
  input: { userId: string; frozen: boolean; actor: { id: number; role: string }; ip?: string },
): Promise<MiniUser> {
  authorize(input.actor, input.frozen ? 'freeze' : 'unfreeze', 'meta_user');
  return inTransaction(async (t) => {
    const user = await MiniUser.findByPk(input.userId, { transaction: t, lock: t.LOCK.UPDATE });
    if (!user) throw notFound('用户不存在', 'USER_NOT_FOUND', 2404);
    if (input.frozen && user.status === 0) throw conflict(say('该用户已是冻结状态', 'This user is already frozen'), 'ALREADY_FROZEN', 2409);
    if (!input.frozen && user.status !== 0) throw conflict(say('该用户未被冻结，无需解冻', 'This user is not frozen'), 'NOT_FROZEN', 2409);
    const before = { status: user.status, tokenVersion: user.tokenVersion };
    await user.update(
      input.frozen ? { status: 0, tokenVersion: user.tokenVersion + 1 } : { status: 1 },
      { transaction: t },
    );
    await recordOperation(
      {
        actor: input.actor,
        ownerId: null,
        action: input.frozen ? 'mini_user.freeze' : 'mini_user.unfreeze',
        resource: 'meta_user',
        recordId: user.id,
        before,
        after: { status: user.status, tokenVersion: user.tokenVersion },
        ip: input.ip ?? null,
      },
      t,
    );
    return user;
  });
}
