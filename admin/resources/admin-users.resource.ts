import type { ActionContext, ActionRequest, ActionResponse } from 'adminjs';
import { badRequest, forbidden } from '../../server/errors.js';
import { AdminUser } from '../../server/models/index.js';
import { updateAdminUser } from '../../server/services/identity/updateAdminUser.js';
import { createAdminUser, ROLES, type Role } from '../../server/services/identity/createAdminUser.js';
import { defineResource, requestIp, sessionActor } from './define.js';
import { adminUserQuotaActions } from '../actions/quota.js';
import { identityUserActions } from '../actions/identity.js';
import { onboardAgent } from '../../server/services/identity/onboardAgent.js';
import { say } from '../../server/i18n.js';
import { spoken } from '../actions/helpers.js';

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
const flag = (v: unknown) => v === true || v === 'true';

async function recordResponse(context: ActionContext, id: number, message: string): Promise<ActionResponse> {
  const record = await context.resource.findOne(String(id), context);
  return {
    redirectUrl: context.h.resourceUrl({ resourceId: 'admin_users' }),
    notice: { message, type: 'success' },
    record: record!.toJSON(context.currentAdmin),
  };
}

// New users always go through createAdminUser (hashed password, quota account, audit row).
// Agent admins can only create agents under themselves, who must change the initial password.
async function createUser(request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> {
  const actor = sessionActor(context);
  const p = request.payload ?? {};
  if (actor.role === 'agent') throw forbidden();
  const byAgentAdmin = actor.role === 'agent_admin';
  const role = (byAgentAdmin ? 'agent' : str(p.role)) as Role;
  if (!ROLES.includes(role)) throw badRequest(say('请选择角色', 'Please choose a role'), 'INVALID_ROLE', 2005);
  const parentId = byAgentAdmin ? actor.id : p.parentId ? Number(p.parentId) : null;
  const status = byAgentAdmin ? 'active' : ((str(p.status) || 'active') as 'active' | 'pending' | 'frozen');
  if (!['active', 'pending', 'frozen'].includes(status)) throw badRequest(say('状态无效', 'The status is not valid'), 'INVALID_STATUS', 2007);
  // Agents get the account email with a one-time set-password link and must change an initial password.
  if (role === 'agent' && status === 'active' && (byAgentAdmin || str(p.email))) {
    const agent = await onboardAgent({ actor, username: str(p.username), email: str(p.email), initialPassword: p.password, parentId });
    return recordResponse(context, agent.id, 'successfullyCreated');
  }
  const user = await createAdminUser({
    username: str(p.username),
    password: typeof p.password === 'string' ? p.password : '',
    email: str(p.email) || null,
    role,
    parentId,
    status,
    mustChangePassword: byAgentAdmin || flag(p.mustChangePassword),
    actor,
    ip: null,
  });
  return recordResponse(context, user.id, 'successfullyCreated');
}

/** The admin session id of this request (AdminJS hands actions a spread copy of the Express request). */
const sessionIdOf = (request: ActionRequest): string | null => (request as ActionRequest & { sessionID?: string }).sessionID ?? null;

// The edit form is a thin caller of updateAdminUser (identity): it owns every rule of an account change.
async function editUser(request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> {
  if (request.method !== 'post') return { record: context.record!.toJSON(context.currentAdmin) };
  const { currentPassword, ...changes } = (request.payload ?? {}) as Record<string, unknown>;
  const { user, emailPending } = await updateAdminUser({
    actor: sessionActor(context),
    userId: Number(context.record!.id()),
    changes,
    currentPassword,
    keepSid: sessionIdOf(request),
    ip: requestIp(request),
  });
  return recordResponse(context, user.id, emailPending ? spoken(say(`已保存。新邮箱 ${emailPending} 需点击发送到该邮箱的链接确认后生效`, `Saved. The new email ${emailPending} takes effect once the link sent to it is opened`), context) : 'successfullyUpdated');
}

/** `admin_users`: super admins, agent admins and agents. */
export const adminUsersResource = () =>
  defineResource(AdminUser, {
    navigation: 'users',
    list: ['id', 'username', 'role', 'parentId', 'status', 'email', 'lastLoginAt', 'createdAt'],
    show: ['id', 'username', 'email', 'pendingEmail', 'role', 'parentId', 'status', 'mustChangePassword', 'failedLoginCount', 'lockedUntil', 'emailVerifiedAt', 'lastLoginAt', 'lastLoginIp', 'passwordChangedAt', 'locale', 'createdAt', 'updatedAt'],
    edit: ['username', 'email', 'password', 'currentPassword', 'role', 'parentId', 'status', 'mustChangePassword', 'locale'],
    filter: ['id', 'username', 'role', 'parentId', 'status', 'email', 'createdAt'],
    enums: { role: ROLES, status: ['pending', 'active', 'frozen'], locale: ['zh-CN', 'en'] },
    handlers: { new: createUser, edit: editUser },
    options: {
      titleProperty: 'username',
      properties: {
        password: { type: 'password', isVisible: { list: false, show: false, filter: false, edit: true } },
        // Asked when you change your own email or password (updateAdminUser); never stored.
        currentPassword: { type: 'password', isVisible: { list: false, show: false, filter: false, edit: true } },
        pendingEmail: { isVisible: { list: false, show: true, filter: false, edit: false } },
        passwordHash: { isVisible: false },
      },
    },
    actions: { ...adminUserQuotaActions, ...identityUserActions },
  });
