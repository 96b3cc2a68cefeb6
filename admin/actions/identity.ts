import type { ActionContext } from 'adminjs';
import type { AdminUser } from '../../server/models/index.js';
import { actorFromSession } from '../../server/policies/access.js';
import { canManageUser, type Actor } from '../../server/policies/actor.js';
import { freezeUser, unfreezeUser, unlockUser } from '../../server/services/identity/freezeUser.js';
import { Components } from '../componentLoader.js';
import type { DomainAction } from '../resources/define.js';
import { commandHandler, type Params } from './helpers.js';
import { say, type Localized } from '../../server/i18n.js';


type Command = (actor: Actor, userId: number, props: { ip?: string | null }) => Promise<AdminUser>;

/** Whether the session's admin may manage the admin user this record is (synchronous, for `isAccessible`), and `when` holds. */
export const manageable = (context: ActionContext, when: (p: Params) => boolean = () => true): boolean => {
  const actor = actorFromSession(context.currentAdmin);
  const p = context.record?.params as Params | undefined;
  if (!actor || !p) return false;
  const parentId = p.parentId === null || p.parentId === undefined || p.parentId === '' ? null : Number(p.parentId);
  return canManageUser(actor, { id: Number(p.id), role: String(p.role), parentId }) && when(p);
};

function userCommand(command: Command, spec: { title: string; description: string; done: Localized; icon: string; when: (p: Params) => boolean }): DomainAction {
  return {
    actionType: 'record',
    icon: spec.icon,
    component: Components.ConfirmAction,
    // Synchronous, as AdminJS requires: a Promise here would count as "allowed".
    isAccessible: (context) => manageable(context, spec.when),
    custom: { title: spec.title, description: spec.description, submitLabel: spec.title },
    handler: commandHandler('admin_users', async ({ actor, id }) => (await command(actor, Number(id), {}), spec.done), 'show'),
  };
}

/**
 * Account security actions on admin_users (spread into the resource's `actions`): 冻结 ends the
 * user's sessions at once and blocks login; 解冻 restores access; 解除锁定 lifts a login lock early.
 * Each is one service command that writes the operation log.
 */
export const identityUserActions: Record<string, DomainAction> = {
  freeze: userCommand(freezeUser, {
    title: '冻结账号',
    description: '冻结后该用户的所有登录会话立即结束，且无法再登录，直到解冻。',
    done: say('账号已冻结，其所有登录会话已结束', 'Account frozen; all its sessions have ended'),
    icon: 'Lock',
    when: (p) => p.status !== 'frozen',
  }),
  unfreeze: userCommand(unfreezeUser, {
    title: '解冻账号',
    description: '解冻后该用户可以重新登录。',
    done: say('账号已解冻', 'Account unfrozen'),
    icon: 'Unlock',
    when: (p) => p.status === 'frozen',
  }),
  unlock: userCommand(unlockUser, {
    title: '解除登录锁定',
    description: '清除连续登录失败次数并立即解除锁定。',
    done: say('登录锁定已解除', 'Login lock lifted'),
    icon: 'Key',
    when: (p) => Number(p.failedLoginCount ?? 0) > 0 || Boolean(p.lockedUntil),
  }),
};
