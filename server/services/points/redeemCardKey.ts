import { QueryTypes } from 'sequelize';
import { inTransaction } from '../../db/index.js';
import { AppError, badRequest, tooMany } from '../../errors.js';
import { NO_EXPIRY } from '../../lib/chinaTime.js';
import { redisLimiter } from '../../lib/rateLimit.js';
import { normalizeCode } from '../cardKeys/codes.js';
import { publishInvalidation } from '../cardKeys/invalidation.js';
import { getSetting } from '../systemConfig/systemConfig.js';
import { PointsLot } from '../../models/index.js';
import { creditPoints } from './creditPoints.js';
import { PointsOperation } from './operations.js';

const IP_ATTEMPTS_PER_HOUR = 30;

const limiter = (kind: 'user' | 'ip', points: number) => redisLimiter(['redeem', kind], points, 3600);

/**
 * Every attempt (right or wrong) costs one from the user's and the IP's hourly allowance, so codes
 * cannot be guessed at speed; a successful redemption gives nothing back.
 */
async function takeAttempt(userId: string, ip: string): Promise<void> {
  const perUser = await getSetting('points.redeem_attempts_per_hour');
  try {
    await limiter('user', perUser).consume(userId);
    await limiter('ip', IP_ATTEMPTS_PER_HOUR).consume(ip);
  } catch (err) {
    if (err instanceof Error) throw err;
    throw tooMany('兑换尝试过于频繁，请一小时后再试', 'REDEEM_RATE_LIMITED', 5429);
  }
}

const invalidCode = () => new AppError(404, 5404, 'CARD_KEY_INVALID', '兑换码无效或已被使用');

/**
 * A mini-program user redeems a card key of a "points" project: the key flips unused → redeemed
 * with one conditional UPDATE (so of any number of simultaneous attempts exactly one wins) and,
 * in the same transaction, the project's points_per_key are credited as a lot.
 */
export async function redeemCardKey(input: { userId: string; code: string; ip: string }) {
  await takeAttempt(input.userId, input.ip);
  const code = normalizeCode(input.code);
  if (!code) throw badRequest('兑换码格式不正确', 'CARD_KEY_FORMAT', 5400);
  const result = await inTransaction(async (t) => {
    const rows = await PointsLot.sequelize!.query<{ id: number; points_per_key: number; duration_days: number | null }>(
      `UPDATE card_keys k
          SET status = 'redeemed', redeemed_by = :userId, updated_at = now()
         FROM projects p, card_key_batches b
        WHERE k.code = :code AND k.status = 'unused'
          AND p.id = k.project_id AND p.kind = 'points' AND p.status = 'active'
          AND b.id = k.batch_id AND b.status = 'completed'
        RETURNING k.id, p.points_per_key, COALESCE(k.duration_days, b.duration_days) AS duration_days`,
      { replacements: { code, userId: input.userId }, type: QueryTypes.SELECT, transaction: t },
    );
    const key = rows[0];
    if (!key) throw invalidCode();
    const expiresAt = key.duration_days ? new Date(Date.now() + key.duration_days * 86_400_000) : NO_EXPIRY;
    const credited = await creditPoints(
      {
        userId: input.userId,
        points: key.points_per_key,
        source: 'redeem',
        cardKeyId: key.id,
        expiresAt,
        operationType: PointsOperation.redeem,
        memo: `兑换码 ${code.slice(0, 4)}-****-****-${code.slice(-4)}`,
      },
      t,
    );
    return { points: key.points_per_key, balance: credited.balance, expiresAt };
  });
  await publishInvalidation({ codes: [code] });
  return { points: result.points, balance: result.balance, expiresAt: result.expiresAt.toISOString() };
}
