import { QueryTypes, type Transaction } from 'sequelize';
import { inTransaction } from '../../db/index.js';
import { PointsLot, PurchaseRecord } from '../../models/index.js';
import { lockUserForPoints, moveTotal } from './lockUser.js';
import { PointsOperation } from './operations.js';

/**
 * Expires this user's lots whose expiry has passed (the user's row is locked first), writing one
 * ledger row per lot. Called by the worker, and before every consumption or balance read so a
 * user never spends or sees points that have already expired.
 * `remaining` is kept on the expired lot as the amount forfeited.
 */
export async function expireUserLots(userId: string, now: Date, t: Transaction): Promise<number> {
  await lockUserForPoints(userId, t);
  const lots = await PointsLot.sequelize!.query<{ id: string; remaining: number; expires_at: Date }>(
    `SELECT id, remaining, expires_at FROM points_lots
      WHERE user_id = :userId AND expired_at IS NULL AND remaining > 0 AND expires_at <= :now
      ORDER BY expires_at, created_at
      FOR UPDATE`,
    { replacements: { userId, now }, type: QueryTypes.SELECT, transaction: t },
  );
  let expired = 0;
  for (const lot of lots) {
    await PointsLot.update({ expiredAt: now }, { where: { id: lot.id }, transaction: t });
    const balance = await moveTotal(userId, -lot.remaining, t);
    await PurchaseRecord.create(
      {
        userId,
        lotId: lot.id,
        pointsChange: -lot.remaining,
        remainingPoints: balance,
        operationType: PointsOperation.expire,
        memo: '积分过期',
        expireTime: lot.expires_at,
      },
      { transaction: t },
    );
    expired += lot.remaining;
  }
  return expired;
}

/**
 * The worker's sweep: every user with a lot past its expiry, one short transaction per user so a
 * large backlog never holds many locks at once. Returns how many users and points were expired.
 */
export async function expireLots(now: Date = new Date(), batchSize = 500): Promise<{ users: number; points: number }> {
  let users = 0;
  let points = 0;
  for (;;) {
    const due = await PointsLot.sequelize!.query<{ user_id: string }>(
      `SELECT DISTINCT user_id FROM points_lots
        WHERE expired_at IS NULL AND remaining > 0 AND expires_at <= :now
        LIMIT :batchSize`,
      { replacements: { now, batchSize }, type: QueryTypes.SELECT },
    );
    if (due.length === 0) return { users, points };
    for (const { user_id: userId } of due) {
      points += await inTransaction((t) => expireUserLots(userId, now, t));
      users += 1;
    }
  }
}
