import { Op } from 'sequelize';
import { inTransaction } from '../../db/index.js';
import { badRequest, conflict, notFound } from '../../errors.js';
import { say } from '../../i18n.js';
import { AdminUser } from '../../models/index.js';
import { canManageUser, isSuperAdmin, notYourUser, type Actor } from '../../policies/actor.js';
import { guardSensitiveOperation } from '../security/sensitiveOps.js';
import { recordOperation } from '../audit/operationLog.js';
import { sendEmail } from '../email/sendEmail.js';
import { getSetting } from '../systemConfig/systemConfig.js';
import { emailIs, emailSchema, ROLES, usernameSchema, type Role } from './createAdminUser.js';
import { assertPasswordPolicy, verifyPassword } from './password.js';
import { asLang, confirmNewEmailMail, emailChangeRequestedMail, identityLink } from './emails.js';
import { freezeUser, unfreezeUser } from './freezeUser.js';
import { replacePassword } from './replacePassword.js';
import { endUserSessions } from './sessions.js';
import { issueEmailToken } from './tokens.js';

export interface UpdateAdminUserInput {
  actor: Actor;
  userId: number;
  /** The submitted fields; a field that is absent stays as it is. */
  changes: Record<string, unknown>;
  /** Required to change one's OWN email or password. */
  currentPassword?: unknown;
  /** The session making the change: changing your own password keeps it logged in. */
  keepSid?: string | null;
  ip?: string | null;
  now?: Date;
}

export interface UpdateAdminUserResult {
  user: AdminUser;
  /** A new address waits for its confirmation link (the email has not changed yet). */
  emailPending: string | null;
}

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
const flag = (v: unknown) => v === true || v === 'true';
const wrongCurrentPassword = () =>
  badRequest(say('修改自己的邮箱或密码需要输入正确的当前密码', 'Enter your current password to change your own email or password'), 'WRONG_CURRENT_PASSWORD', 2038);

/**
 * 编辑用户 (profile update): the one command behind the admin's edit form. Rules that protect an
 * account live here, not in the form: changing one's own email or password needs the current
 * password; a new email takes effect only when the link mailed to it is followed, and the old
 * address is told at once; a password goes through `replacePassword` (lock lifted, other sessions
 * ended, notice mail — an administrator's choice must be changed at the next login); freezing and
 * unfreezing go through `freezeUser` / `unfreezeUser`. Role, parent and the forced change are the
 * super admin's, for others.
 */
export async function updateAdminUser(input: UpdateAdminUserInput): Promise<UpdateAdminUserResult> {
  const { actor, changes: p } = input;
  const now = input.now ?? new Date();
  const user = await AdminUser.findByPk(Number(input.userId));
  if (!user) throw notFound(say('用户不存在', 'No such user'), 'USER_NOT_FOUND', 2404);
  const self = user.id === actor.id;
  if (!self && !canManageUser(actor, user)) throw notYourUser();

  const profile: Record<string, unknown> = {};
  if (p.username !== undefined && text(p.username) !== user.username) {
    const parsed = usernameSchema.safeParse(p.username);
    if (!parsed.success) throw badRequest(parsed.error.issues[0]!.message, 'INVALID_USERNAME', 2003);
    profile.username = parsed.data;
  }
  if (p.locale !== undefined && text(p.locale) !== user.locale) {
    if (!['zh-CN', 'en'].includes(text(p.locale))) throw badRequest(say('语言无效', 'Invalid language'), 'INVALID_LOCALE', 2008);
    profile.locale = text(p.locale);
  }
  let status: string | undefined;
  if (isSuperAdmin(actor) && !self) {
    if (p.role !== undefined && text(p.role) !== user.role) {
      if (!ROLES.includes(text(p.role) as Role)) throw badRequest(say('角色无效', 'Invalid role'), 'INVALID_ROLE', 2005);
      profile.role = text(p.role);
    }
    if (p.parentId !== undefined) {
      const parentId = p.parentId === '' || p.parentId === null ? null : Number(p.parentId);
      if (parentId !== user.parentId) profile.parentId = parentId;
    }
    if (p.mustChangePassword !== undefined && flag(p.mustChangePassword) !== user.mustChangePassword) profile.mustChangePassword = flag(p.mustChangePassword);
    if (p.status !== undefined && text(p.status) !== user.status) {
      if (!['active', 'pending', 'frozen'].includes(text(p.status))) throw badRequest(say('状态无效', 'Invalid status'), 'INVALID_STATUS', 2007);
      status = text(p.status);
    }
    const role = (profile.role ?? user.role) as string;
    const parentId = (profile.parentId === undefined ? user.parentId : profile.parentId) as number | null;
    if (role !== 'agent' && parentId) throw badRequest(say('只有代理可以有上级', 'Only agents have a parent'), 'INVALID_PARENT', 2006);
    if (parentId) {
      const parent = await AdminUser.findByPk(parentId);
      if (!parent || parent.role !== 'agent_admin') throw badRequest(say('上级必须是代理管理员', 'The parent must be an agent admin'), 'INVALID_PARENT', 2006);
    }
  }

  let newEmail: string | null | undefined;
  if (p.email !== undefined && text(p.email).toLowerCase() !== (user.email ?? '')) {
    if (!text(p.email)) newEmail = null;
    else {
      const parsed = emailSchema.safeParse(p.email);
      if (!parsed.success) throw badRequest(parsed.error.issues[0]!.message, 'INVALID_EMAIL', 2004);
      newEmail = parsed.data;
      const taken = await AdminUser.findOne({ attributes: ['id'], where: { [Op.and]: [emailIs(newEmail), { id: { [Op.ne]: user.id } }] } });
      if (taken) throw conflict(say('该邮箱已被其他账号使用', 'This address is used by another account'), 'EMAIL_TAKEN', 2004);
    }
  }
  const password = typeof p.password === 'string' && p.password !== '' ? await assertPasswordPolicy(p.password) : null;
  if (self && (newEmail !== undefined || password)) {
    if (typeof input.currentPassword !== 'string' || !(await verifyPassword(input.currentPassword, user.passwordHash))) throw wrongCurrentPassword();
  }
  // Sensitive changes count against the actor's rate (services/security): a burst is refused for a while.
  if (newEmail !== undefined) await guardSensitiveOperation(actor.id, 'email_change', input.ip);
  if (password) await guardSensitiveOperation(actor.id, 'password_change', input.ip);

  const emailPending = await inTransaction(async (t) => {
    const locked = (await AdminUser.findByPk(user.id, { transaction: t, lock: t.LOCK.UPDATE }))!;
    if (Object.keys(profile).length) {
      const before = Object.fromEntries(Object.keys(profile).map((k) => [k, locked.get(k)]));
      await locked.update(profile, { transaction: t });
      await recordOperation({ actor, ownerId: locked.id, action: 'update', resource: 'admin_users', recordId: locked.id, before, after: profile, ip: input.ip }, t);
    }
    let pending: string | null = null;
    if (newEmail !== undefined) {
      const oldEmail = locked.email;
      const lang = asLang(locked.locale);
      const siteName = await getSetting('basic.site_name');
      if (newEmail === null) {
        await locked.update({ email: null, pendingEmail: null, emailVerifiedAt: null }, { transaction: t });
      } else {
        const hours = await getSetting('security.verify_link_hours');
        const token = await issueEmailToken(locked.id, 'change_email', hours * 3600_000, t, now);
        await locked.update({ pendingEmail: newEmail }, { transaction: t });
        const mail = confirmNewEmailMail({ siteName, username: locked.username, link: identityLink('verify', { token }, lang), expiresAt: new Date(now.getTime() + hours * 3600_000), lang });
        await sendEmail({ to: newEmail, userId: locked.id, ...mail }, t);
        pending = newEmail;
      }
      if (oldEmail) await sendEmail({ to: oldEmail, userId: locked.id, ...emailChangeRequestedMail({ siteName, username: locked.username, at: now, ip: input.ip ?? null, lang }) }, t);
      await recordOperation(
        { actor, ownerId: locked.id, action: newEmail ? 'request_email_change' : 'remove_email', resource: 'admin_users', recordId: locked.id, before: { email: oldEmail }, after: { pendingEmail: newEmail }, ip: input.ip },
        t,
      );
    }
    if (password) {
      await replacePassword(
        {
          user: locked,
          password,
          action: self ? 'change_password' : 'admin_set_password',
          actor: { id: actor.id, role: actor.role },
          mustChangePassword: !self,
          keepSid: self ? input.keepSid : null,
          ip: input.ip,
          now,
        },
        t,
      );
    }
    return pending;
  });

  if (status === 'frozen') await freezeUser(actor, user.id, { ip: input.ip });
  else if (status && user.status === 'frozen') await unfreezeUser(actor, user.id, { ip: input.ip });
  else if (status) {
    await inTransaction(async (t) => {
      await AdminUser.update({ status: status as 'active' | 'pending' }, { where: { id: user.id }, transaction: t });
      await recordOperation({ actor, ownerId: user.id, action: 'update', resource: 'admin_users', recordId: user.id, before: { status: user.status }, after: { status }, ip: input.ip }, t);
    });
  }
  // A new role or parent changes what every open session may see: they log in again.
  if (profile.role || profile.parentId !== undefined) await endUserSessions(user.id);
  return { user: (await AdminUser.findByPk(user.id))!, emailPending };
}
