import { inTransaction } from '../../db/index.js';
import { authorize } from '../../policies/index.js';
import { badRequest, notFound } from '../../errors.js';
import { AdminUser } from '../../models/index.js';
import { assertCanManageUser, type Actor } from '../../policies/actor.js';
import { recordOperation } from '../audit/operationLog.js';
import { endUserSessions } from './sessions.js';

interface ManageProps {
  ip?: string | null;
}

async function loadManaged(actor: Actor, verb: 'freeze' | 'unfreeze' | 'unlock', userId: number, t: Parameters<Parameters<typeof inTransaction>[0]>[0]): Promise<AdminUser> {
  authorize(actor, verb, 'admin_users');
  const user = await AdminUser.findByPk(userId, { transaction: t, lock: t.LOCK.UPDATE });
  if (!user) throw notFound('用户不存在', 'USER_NOT_FOUND', 2404);
  assertCanManageUser(actor, user);
  return user;
}

/** Freezes an account (super admin: anyone but themselves; agent admin: own agents): its sessions end at once and login is refused. */
export async function freezeUser(actor: Actor, userId: number, props: ManageProps = {}): Promise<AdminUser> {
  return inTransaction(async (t) => {
    const user = await loadManaged(actor, 'freeze', userId, t);
    if (user.status === 'frozen') throw badRequest('该账号已经是冻结状态', 'ALREADY_FROZEN', 2040);
    const before = { status: user.status };
    await user.update({ status: 'frozen' }, { transaction: t });
    const endedSessions = await endUserSessions(user.id, { transaction: t });
    await recordOperation(
      { actor, ownerId: user.id, action: 'freeze', resource: 'admin_users', recordId: user.id, before, after: { status: 'frozen', endedSessions }, ip: props.ip },
      t,
    );
    return user;
  });
}

/** Lifts a freeze: the account is active again (an administrator's unfreeze also vouches for an unverified address). */
export async function unfreezeUser(actor: Actor, userId: number, props: ManageProps = {}): Promise<AdminUser> {
  return inTransaction(async (t) => {
    const user = await loadManaged(actor, 'unfreeze', userId, t);
    if (user.status !== 'frozen') throw badRequest('该账号未被冻结', 'NOT_FROZEN', 2041);
    const status = 'active';
    await user.update({ status }, { transaction: t });
    await recordOperation(
      { actor, ownerId: user.id, action: 'unfreeze', resource: 'admin_users', recordId: user.id, before: { status: 'frozen' }, after: { status }, ip: props.ip },
      t,
    );
    return user;
  });
}

/** Lifts a login lock before it expires and clears the failure counter. */
export async function unlockUser(actor: Actor, userId: number, props: ManageProps = {}): Promise<AdminUser> {
  return inTransaction(async (t) => {
    const user = await loadManaged(actor, 'unlock', userId, t);
    const before = { failedLoginCount: user.failedLoginCount, lockedUntil: user.lockedUntil };
    await user.update({ failedLoginCount: 0, lockedUntil: null }, { transaction: t });
    await recordOperation(
      { actor, ownerId: user.id, action: 'unlock', resource: 'admin_users', recordId: user.id, before, after: { failedLoginCount: 0, lockedUntil: null }, ip: props.ip },
      t,
    );
    return user;
  });
}
