import type { ActionContext, ActionRequest, ActionResponse } from 'adminjs';
import { inTransaction } from '../../server/db/index.js';
import { badRequest, forbidden } from '../../server/errors.js';
import { AdminUser } from '../../server/models/index.js';
import { canManageUser } from '../../server/policies/actor.js';
import { recordOperation } from '../../server/services/audit/operationLog.js';
import { endUserSessions } from '../../server/services/identity/sessions.js';
import { createAdminUser, emailSchema, ROLES, usernameSchema, type Role } from '../../server/services/users/createAdminUser.js';
import { assertPasswordPolicy, hashPassword } from '../../server/services/users/password.js';
import { defineResource, sessionActor } from './define.js';
import { adminUserQuotaActions } from '../actions/quota.js';
import { identityUserActions } from '../actions/identity.js';
import { onboardAgent } from '../../server/services/identity/onboardAgent.js';
import { guardSensitiveOperation } from '../../server/services/security/sensitiveOps.js';

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
  if (!ROLES.includes(role)) throw badRequest('请选择角色', 'INVALID_ROLE', 2005);
  const parentId = byAgentAdmin ? actor.id : p.parentId ? Number(p.parentId) : null;
  const status = byAgentAdmin ? 'active' : ((str(p.status) || 'active') as 'active' | 'pending' | 'frozen');
  if (!['active', 'pending', 'frozen'].includes(status)) throw badRequest('状态无效', 'INVALID_STATUS', 2007);
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

// Editing goes through the same checks as creation; freezing or a new password ends the user's sessions.
async function editUser(request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> {
  const record = context.record!;
  if (request.method !== 'post') return { record: record.toJSON(context.currentAdmin) };
  const actor = sessionActor(context);
  const user = await AdminUser.findByPk(Number(record.id()));
  if (!user) throw badRequest('用户不存在', 'NOT_FOUND', 1404);
  if (user.id !== actor.id && !canManageUser(actor, user)) throw forbidden('无权修改该用户', 'NOT_YOUR_USER', 2403);
  const p = request.payload ?? {};
  const changes: Record<string, unknown> = {};
  if ('username' in p && str(p.username) !== user.username) {
    const parsed = usernameSchema.safeParse(p.username);
    if (!parsed.success) throw badRequest(parsed.error.issues[0]!.message, 'INVALID_USERNAME', 2003);
    changes.username = parsed.data;
  }
  if ('email' in p) {
    if (!str(p.email)) changes.email = null;
    else {
      const parsed = emailSchema.safeParse(p.email);
      if (!parsed.success) throw badRequest(parsed.error.issues[0]!.message, 'INVALID_EMAIL', 2004);
      changes.email = parsed.data;
    }
  }
  if ('locale' in p) {
    if (!['zh-CN', 'en'].includes(str(p.locale))) throw badRequest('语言无效', 'INVALID_LOCALE', 2008);
    changes.locale = str(p.locale);
  }
  if (actor.role === 'super_admin' && user.id !== actor.id) {
    if ('role' in p) {
      if (!ROLES.includes(str(p.role) as Role)) throw badRequest('角色无效', 'INVALID_ROLE', 2005);
      changes.role = str(p.role);
    }
    if ('parentId' in p) changes.parentId = p.parentId ? Number(p.parentId) : null;
    if ('status' in p) {
      if (!['active', 'pending', 'frozen'].includes(str(p.status))) throw badRequest('状态无效', 'INVALID_STATUS', 2007);
      changes.status = str(p.status);
    }
    if ('mustChangePassword' in p) changes.mustChangePassword = flag(p.mustChangePassword);
    const role = (changes.role ?? user.role) as string;
    const parentId = (changes.parentId === undefined ? user.parentId : changes.parentId) as number | null;
    if (role !== 'agent' && parentId) throw badRequest('只有代理可以有上级', 'INVALID_PARENT', 2006);
    if (parentId) {
      const parent = await AdminUser.findByPk(parentId);
      if (!parent || parent.role !== 'agent_admin') throw badRequest('上级必须是代理管理员', 'INVALID_PARENT', 2006);
    }
  }
  if (typeof p.password === 'string' && p.password !== '') {
    await assertPasswordPolicy(p.password);
    changes.passwordHash = await hashPassword(p.password);
    changes.passwordChangedAt = new Date();
    changes.mustChangePassword = user.id !== actor.id;
  }
  if (changes.email !== undefined && changes.email !== user.email) await guardSensitiveOperation(actor.id, 'email_change');
  if (changes.passwordHash) await guardSensitiveOperation(actor.id, 'password_change');
  const before = { username: user.username, email: user.email, role: user.role, parentId: user.parentId, status: user.status, locale: user.locale };
  await inTransaction(async (t) => {
    await user.update(changes, { transaction: t });
    await recordOperation({ actor, ownerId: user.id, action: 'update', resource: 'admin_users', recordId: user.id, before, after: changes }, t);
  });
  if (changes.status === 'frozen' || changes.passwordHash || changes.role || changes.parentId !== undefined) {
    await endUserSessions(user.id, { keepSid: user.id === actor.id ? (context as unknown as { sessionId?: string }).sessionId : undefined });
  }
  return recordResponse(context, user.id, 'successfullyUpdated');
}

/** `admin_users`: super admins, agent admins and agents. */
export const adminUsersResource = () =>
  defineResource(AdminUser, {
    navigation: 'users',
    list: ['id', 'username', 'role', 'parentId', 'status', 'email', 'lastLoginAt', 'createdAt'],
    show: ['id', 'username', 'email', 'role', 'parentId', 'status', 'mustChangePassword', 'failedLoginCount', 'lockedUntil', 'emailVerifiedAt', 'lastLoginAt', 'lastLoginIp', 'passwordChangedAt', 'locale', 'createdAt', 'updatedAt'],
    edit: ['username', 'password', 'email', 'role', 'parentId', 'status', 'mustChangePassword', 'locale'],
    filter: ['id', 'username', 'role', 'parentId', 'status', 'email', 'createdAt'],
    enums: { role: ROLES, status: ['pending', 'active', 'frozen'], locale: ['zh-CN', 'en'] },
    handlers: { new: createUser, edit: editUser },
    options: {
      titleProperty: 'username',
      properties: {
        password: { type: 'password', isVisible: { list: false, show: false, filter: false, edit: true } },
        passwordHash: { isVisible: false },
      },
    },
    actions: { ...adminUserQuotaActions, ...identityUserActions },
  });
