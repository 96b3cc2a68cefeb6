import { Op, type Transaction } from 'sequelize';
import { z } from 'zod';
import { badRequest, conflict } from '../../errors.js';
import { AdminUser, QuotaAccount } from '../../models/index.js';
import { inTransaction } from '../../db/index.js';
import { recordOperation } from '../audit/operationLog.js';
import { assertPasswordPolicy, hashPassword } from './password.js';

export const ROLES = ['super_admin', 'agent_admin', 'agent'] as const;
export type Role = (typeof ROLES)[number];

export const usernameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_]{3,32}$/, '用户名为 3-32 位字母、数字或下划线');
export const emailSchema = z.string().trim().toLowerCase().email('邮箱格式不正确').max(254);

// Usernames and emails are unique regardless of case; every lookup by either goes through these.
const lowerEquals = (column: 'username' | 'email', value: string) => {
  const s = AdminUser.sequelize!;
  return s.where(s.fn('lower', s.col(column)), value.trim().toLowerCase());
};
export const usernameIs = (username: string) => lowerEquals('username', username);
export const emailIs = (email: string) => lowerEquals('email', email);

export interface CreateAdminUserProps {
  username: string;
  password: string;
  role: Role;
  email?: string | null;
  parentId?: number | null;
  status?: 'pending' | 'active' | 'frozen';
  mustChangePassword?: boolean;
  emailVerified?: boolean;
  actor?: { id: number; role: string } | null;
  ip?: string | null;
}

/** Creates an admin user with an empty quota account, enforcing username, email, password and role rules. */
export async function createAdminUser(props: CreateAdminUserProps, transaction?: Transaction): Promise<AdminUser> {
  const username = usernameSchema.safeParse(props.username);
  if (!username.success) throw badRequest(username.error.issues[0]!.message, 'INVALID_USERNAME', 2003);
  let email: string | null = null;
  if (props.email) {
    const parsed = emailSchema.safeParse(props.email);
    if (!parsed.success) throw badRequest(parsed.error.issues[0]!.message, 'INVALID_EMAIL', 2004);
    email = parsed.data;
  }
  if (!ROLES.includes(props.role)) throw badRequest('角色无效', 'INVALID_ROLE', 2005);
  await assertPasswordPolicy(props.password);
  if (props.role !== 'agent' && props.parentId) throw badRequest('只有代理可以有上级', 'INVALID_PARENT', 2006);

  const work = async (t: Transaction) => {
    if (props.parentId) {
      const parent = await AdminUser.findByPk(props.parentId, { transaction: t });
      if (!parent || parent.role !== 'agent_admin') throw badRequest('上级必须是代理管理员', 'INVALID_PARENT', 2006);
    }
    const clash = await AdminUser.findOne({
      where: {
        [Op.or]: [
          usernameIs(username.data),
          ...(email ? [emailIs(email)] : []),
        ],
      },
      transaction: t,
    });
    if (clash) {
      throw conflict(
        clash.username.toLowerCase() === username.data.toLowerCase() ? '用户名已被使用' : '邮箱已被使用',
        'USER_EXISTS',
        2009,
      );
    }
    const user = await AdminUser.create(
      {
        username: username.data,
        email,
        passwordHash: await hashPassword(props.password),
        role: props.role,
        parentId: props.parentId ?? null,
        status: props.status ?? 'active',
        mustChangePassword: props.mustChangePassword ?? false,
        emailVerifiedAt: props.emailVerified ? new Date() : null,
        passwordChangedAt: new Date(),
      },
      { transaction: t },
    );
    await QuotaAccount.create({ userId: user.id }, { transaction: t });
    await recordOperation(
      {
        actor: props.actor ?? null,
        ownerId: user.id,
        action: 'create',
        resource: 'admin_users',
        recordId: user.id,
        after: { username: user.username, role: user.role, parentId: user.parentId, status: user.status },
        ip: props.ip,
      },
      t,
    );
    return user;
  };
  try {
    return await (transaction ? work(transaction) : inTransaction(work));
  } catch (err) {
    if ((err as { name?: string }).name === 'SequelizeUniqueConstraintError') throw conflict('用户名或邮箱已被使用', 'USER_EXISTS', 2009);
    throw err;
  }
}
