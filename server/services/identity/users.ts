import type { Transaction } from 'sequelize';
import { db } from '../../db/index.js';
import { AdminUser } from '../../models/index.js';
import { emailSchema } from '../users/createAdminUser.js';

/** The user with this email (case-insensitive), or null for unknown or malformed addresses. */
export async function findUserByEmail(email: unknown, t?: Transaction): Promise<AdminUser | null> {
  const parsed = emailSchema.safeParse(email);
  if (!parsed.success) return null;
  return AdminUser.findOne({
    where: db().where(db().fn('lower', db().col('email')), parsed.data),
    transaction: t,
    lock: t ? t.LOCK.UPDATE : undefined,
  });
}
