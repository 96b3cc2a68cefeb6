import { QueryTypes, type Transaction } from 'sequelize';
import { PointsLot, PurchaseRecord } from '../../models/index.js';
import { lockUserForPoints, moveTotal } from './lockUser.js';
import { PointsOperation } from './operations.js';

export interface RevokeOrderPointsResult {
  /** Points removed from the order's lot (what was left of it; already spent points stay spent). */
  removed: number;
  balance: number;
  record: PurchaseRecord | null;
}

/**
 * On refund: whatever remains of the order's lot is removed (refund ledger row, balance after it).
 * Points already consumed are not clawed back from other lots — the seller refunds virtual goods
 * only by admin decision, and that decision sees how much was left.
 */
export async function revokeOrderPoints(
  input: { userId: string; orderId: string; actorAdminId?: number | null; memo?: string | null },
  t: Transaction,
): Promise<RevokeOrderPointsResult> {
  const user = await lockUserForPoints(input.userId, t);
  const lots = await PointsLot.sequelize!.query<{ id: string; remaining: number; expired_at: Date | null; expires_at: Date }>(
    'SELECT id, remaining, expired_at, expires_at FROM points_lots WHERE order_id = :orderId AND user_id = :userId FOR UPDATE',
    { replacements: { orderId: input.orderId, userId: input.userId }, type: QueryTypes.SELECT, transaction: t },
  );
  const lot = lots[0];
  if (!lot || lot.expired_at || lot.remaining === 0) return { removed: 0, balance: user.totalPoints, record: null };
  await PointsLot.update({ remaining: 0 }, { where: { id: lot.id }, transaction: t });
  const balance = await moveTotal(input.userId, -lot.remaining, t);
  const record = await PurchaseRecord.create(
    {
      userId: input.userId,
      orderId: input.orderId,
      lotId: lot.id,
      pointsChange: -lot.remaining,
      remainingPoints: balance,
      operationType: PointsOperation.refund,
      actorAdminId: input.actorAdminId ?? null,
      memo: input.memo ?? '订单退款，扣除该订单剩余积分',
      expireTime: lot.expires_at,
    },
    { transaction: t },
  );
  return { removed: lot.remaining, balance, record };
}
