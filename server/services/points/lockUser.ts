import { QueryTypes, type Transaction } from 'sequelize';
import { notFound } from '../../errors.js';
import { MiniUser } from '../../models/index.js';

interface LockedUser {
  id: string;
  totalPoints: number;
  status: number;
}

/**
 * Locks the mini-program user's row for the rest of the transaction. Every points change takes
 * this lock first (then the lots), so changes to one user's points are serialised and cannot
 * deadlock with each other.
 */
export async function lockUserForPoints(userId: string, t: Transaction): Promise<LockedUser> {
  const rows = await MiniUser.sequelize!.query<{ id: string; total_points: number; status: number }>(
    'SELECT id, total_points, status FROM meta_user WHERE id = :userId FOR UPDATE',
    { replacements: { userId }, type: QueryTypes.SELECT, transaction: t },
  );
  const row = rows[0];
  if (!row) throw notFound('用户不存在', 'USER_NOT_FOUND', 2404);
  return { id: row.id, totalPoints: row.total_points, status: row.status };
}

/** Moves `meta_user.total_points` by `delta` and returns the new balance (the row is already locked). */
export async function moveTotal(userId: string, delta: number, t: Transaction): Promise<number> {
  const rows = await MiniUser.sequelize!.query<{ total_points: number }>(
    `UPDATE meta_user SET total_points = total_points + :delta, updated_at = now()
      WHERE id = :userId RETURNING total_points`,
    { replacements: { userId, delta }, type: QueryTypes.SELECT, transaction: t },
  );
  return rows[0]!.total_points;
}
