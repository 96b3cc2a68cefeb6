import { QueryTypes, type Transaction } from 'sequelize';
import { PointsLot, PurchaseRecord } from '../../models/index.js';
import { expireUserLots } from './expireLots.js';
import { lockUserForPoints, moveTotal } from './lockUser.js';
import { assertPositivePoints, InsufficientPointsError, PointsOperation } from './operations.js';

export interface ConsumePointsInput {
  userId: string;
  points: number;
  apiKeyId?: string | null;
  apiName?: string | null;
  apiPath?: string | null;
  /** With `meteringServiceId`: the caller's idempotency key (unique per metering service). */
  requestId?: string | null;
  meteringServiceId?: number | null;
  memo?: string | null;
  now?: Date;
}

export interface LotDraw {
  lotId: string;
  points: number;
  expiresAt: Date;
}

export interface ConsumePointsResult {
  record: PurchaseRecord;
  balance: number;
  draws: LotDraw[];
  /** True when `requestId` had already been charged: nothing moved, the earlier record is returned. */
  replayed: boolean;
}

interface DrawOptions {
  operationType: number;
  orderId?: string | null;
  actorAdminId?: number | null;
}

/**
 * Takes `points` from the user's unexpired lots, soonest expiry first, inside the caller's
 * transaction. The user's row is locked before anything is read, so concurrent consumptions for
 * one user run one after another and can never overdraw; lots past their expiry are expired first.
 * Writes ONE ledger row with the balance after it. Throws InsufficientPointsError (409, 5101) —
 * the caller's transaction should then roll back.
 */
export async function consumePoints(input: ConsumePointsInput, t: Transaction): Promise<ConsumePointsResult> {
  return drawPoints(input, { operationType: PointsOperation.consume }, t);
}

/** Shared by consumption and admin deductions: same FIFO draw, different ledger operation. */
export async function drawPoints(
  input: ConsumePointsInput,
  options: DrawOptions,
  t: Transaction,
): Promise<ConsumePointsResult> {
  assertPositivePoints(input.points);
  const now = input.now ?? new Date();
  await lockUserForPoints(input.userId, t);
  if (input.requestId && input.meteringServiceId != null) {
    const seen = await PurchaseRecord.findOne({
      where: { meteringServiceId: input.meteringServiceId, requestId: input.requestId },
      transaction: t,
    });
    if (seen) return { record: seen, balance: seen.remainingPoints, draws: [], replayed: true };
  }
  await expireUserLots(input.userId, now, t);
  const lots = await PointsLot.sequelize!.query<{ id: string; remaining: number; expires_at: Date }>(
    `SELECT id, remaining, expires_at FROM points_lots
      WHERE user_id = :userId AND expired_at IS NULL AND remaining > 0 AND expires_at > :now
      ORDER BY expires_at, created_at, id
      FOR UPDATE`,
    { replacements: { userId: input.userId, now }, type: QueryTypes.SELECT, transaction: t },
  );
  const available = lots.reduce((sum, l) => sum + l.remaining, 0);
  if (available < input.points) throw new InsufficientPointsError(input.userId, input.points, available);

  const draws: LotDraw[] = [];
  let left = input.points;
  for (const lot of lots) {
    if (left === 0) break;
    const take = Math.min(left, lot.remaining);
    await PointsLot.sequelize!.query(
      'UPDATE points_lots SET remaining = remaining - :take, updated_at = now() WHERE id = :id',
      { replacements: { take, id: lot.id }, transaction: t },
    );
    draws.push({ lotId: lot.id, points: take, expiresAt: lot.expires_at });
    left -= take;
  }
  const balance = await moveTotal(input.userId, -input.points, t);
  const record = await PurchaseRecord.create(
    {
      userId: input.userId,
      orderId: options.orderId ?? null,
      apiKeyId: input.apiKeyId ?? null,
      // A consumption spanning several lots has no single lot; the draws are returned to the caller.
      lotId: draws.length === 1 ? draws[0]!.lotId : null,
      meteringServiceId: input.meteringServiceId ?? null,
      requestId: input.requestId ?? null,
      apiName: input.apiName ?? null,
      apiPath: input.apiPath ?? null,
      pointsChange: -input.points,
      remainingPoints: balance,
      operationType: options.operationType,
      actorAdminId: options.actorAdminId ?? null,
      memo: input.memo ?? null,
      expireTime: draws[0]!.expiresAt,
    },
    { transaction: t },
  );
  return { record, balance, draws, replayed: false };
}
