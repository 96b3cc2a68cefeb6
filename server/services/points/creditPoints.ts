import type { Transaction } from 'sequelize';
import { PointsLot, PurchaseRecord } from '../../models/index.js';
import { lockUserForPoints, moveTotal } from './lockUser.js';
import { assertPositivePoints, type LotSource, type PointsOperationType } from './operations.js';

export interface CreditPointsInput {
  userId: string;
  points: number;
  source: LotSource;
  orderId?: string | null;
  cardKeyId?: number | null;
  expiresAt: Date;
  operationType: PointsOperationType;
  memo?: string | null;
  actorAdminId?: number | null;
}

export interface CreditPointsResult {
  lot: PointsLot;
  record: PurchaseRecord;
  balance: number;
}

/**
 * Adds points as a new lot with its own expiry, moves the user's total and writes the ledger row
 * with the balance after it — inside the caller's transaction. `points_lots.order_id` and
 * `card_key_id` are unique, so an order or a card key can never create two lots.
 */
export async function creditPoints(input: CreditPointsInput, t: Transaction): Promise<CreditPointsResult> {
  assertPositivePoints(input.points);
  await lockUserForPoints(input.userId, t);
  const lot = await PointsLot.create(
    {
      userId: input.userId,
      source: input.source,
      orderId: input.orderId ?? null,
      cardKeyId: input.cardKeyId ?? null,
      points: input.points,
      remaining: input.points,
      expiresAt: input.expiresAt,
    },
    { transaction: t },
  );
  const balance = await moveTotal(input.userId, input.points, t);
  const record = await PurchaseRecord.create(
    {
      userId: input.userId,
      orderId: input.orderId ?? null,
      lotId: lot.id,
      cardKeyId: input.cardKeyId ?? null,
      pointsChange: input.points,
      remainingPoints: balance,
      operationType: input.operationType,
      actorAdminId: input.actorAdminId ?? null,
      memo: input.memo ?? null,
      expireTime: input.expiresAt,
    },
    { transaction: t },
  );
  return { lot, record, balance };
}
