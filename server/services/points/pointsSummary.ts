import { Op, QueryTypes, type WhereOptions } from 'sequelize';
import { inTransaction } from '../../db/index.js';
import { PointsLot, PurchaseRecord } from '../../models/index.js';
import { pageOf, pageWindow, type Page } from '../../http/envelope.js';
import { expireUserLots } from './expireLots.js';
import { POINTS_OPERATION_NAMES, type PointsOperationType } from './operations.js';

export interface PointsSummary {
  balance: number;
  nearestExpiry: string | null;
  nearestExpiryPoints: number;
  lots: Array<{ id: string; source: string; points: number; remaining: number; expiresAt: string; createdAt: string }>;
}

/** The user's balance and live lots, after expiring whatever is due (so the page never shows stale points). */
export async function getPointsSummary(userId: string, now: Date = new Date()): Promise<PointsSummary> {
  return inTransaction(async (t) => {
    await expireUserLots(userId, now, t);
    const [user] = await PointsLot.sequelize!.query<{ total_points: number }>(
      'SELECT total_points FROM meta_user WHERE id = :userId',
      { replacements: { userId }, type: QueryTypes.SELECT, transaction: t },
    );
    const lots = await PointsLot.findAll({
      where: { userId, expiredAt: null, remaining: { [Op.gt]: 0 } },
      order: [['expiresAt', 'ASC'], ['createdAt', 'ASC']],
      transaction: t,
    });
    const first = lots[0];
    return {
      balance: user?.total_points ?? 0,
      nearestExpiry: first ? first.expiresAt.toISOString() : null,
      nearestExpiryPoints: first
        ? lots.filter((l) => l.expiresAt.getTime() === first.expiresAt.getTime()).reduce((s, l) => s + l.remaining, 0)
        : 0,
      lots: lots.map((l) => ({
        id: l.id,
        source: l.source,
        points: l.points,
        remaining: l.remaining,
        expiresAt: l.expiresAt.toISOString(),
        createdAt: l.createdAt.toISOString(),
      })),
    };
  });
}

export interface PointsRecordView {
  id: string;
  type: string;
  operationType: number;
  pointsChange: number;
  remainingPoints: number;
  orderId: string | null;
  apiKeyId: string | null;
  apiName: string | null;
  memo: string | null;
  expireTime: string;
  createdAt: string;
}

/** The user's ledger, newest first, optionally one operation type. */
export async function listPointsRecords(
  userId: string,
  query: { page: number; pageSize: number; type?: PointsOperationType },
): Promise<Page<PointsRecordView>> {
  const where: WhereOptions = query.type ? { userId, operationType: query.type } : { userId };
  const { rows, count } = await PurchaseRecord.findAndCountAll({
    where,
    order: [['seq', 'DESC']],
    ...pageWindow(query),
  });
  return pageOf(
    query,
    count,
    rows.map((r) => ({
      id: r.id,
      type: POINTS_OPERATION_NAMES[r.operationType as PointsOperationType],
      operationType: r.operationType,
      pointsChange: r.pointsChange,
      remainingPoints: r.remainingPoints,
      orderId: r.orderId,
      apiKeyId: r.apiKeyId,
      apiName: r.apiName,
      memo: r.memo,
      expireTime: r.expireTime.toISOString(),
      createdAt: r.createdAt.toISOString(),
    })),
  );
}
