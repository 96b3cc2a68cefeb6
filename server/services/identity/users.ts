import type { Transaction } from 'sequelize';
import { AdminUser } from '../../models/index.js';
import { emailIs, emailSchema } from './createAdminUser.js';

/** The user with this email (case-insensitive), or null for unknown or malformed addresses. */
export async function findUserByEmail(email: unknown, t?: Transaction): Promise<AdminUser | null> {
  const parsed = emailSchema.safeParse(email);
  if (!parsed.success) return null;
  return AdminUser.findOne({
    where: emailIs(parsed.data),
    transaction: t,
    lock: t ? t.LOCK.UPDATE : undefined,
  });
}
