import { QueryTypes, type Transaction } from 'sequelize';
import { z } from 'zod';
import { inTransaction } from '../../db/index.js';
import { notFound } from '../../errors.js';
import { PointsLot } from '../../models/index.js';
import { defineJob } from '../../queues/defineJob.js';

/**
 * Expires this user's lots whose expiry has passed (the user's row is locked first), writing one
 * ledger row per lot. Called by the worker, and before every balance read so a user never sees
 * points that have already expired (consumption does it inside `points_draw`). The work is the
 * database function `points_expire_user_lots`, the one implementation `points_draw` also calls.
 * `remaining` is kept on the expired lot as the amount forfeited. Returns the points expired.
 */
export async function expireUserLots(userId: string, now: Date, t: Transaction): Promise<number> {
  const [row] = await PointsLot.sequelize!.query<{ expired: number | null }>('SELECT points_expire_user_lots(:userId, :now) AS expired', {
    replacements: { userId, now },
    type: QueryTypes.SELECT,
    transaction: t,
  });
  if (row!.expired === null) throw notFound('用户不存在', 'USER_NOT_FOUND', 2404);
  return row!.expired;
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

export const expireLotsJob = defineJob({
  name: 'points.expire-lots',
  queue: 'maintenance',
  description: 'Expire points lots past their expiry: one ledger row per lot, meta_user.total_points kept equal to the live lots',
  schedule: { every: 5 * 60_000 },
  data: z.object({}).default({}),
  run: async () => expireLots(),
});
