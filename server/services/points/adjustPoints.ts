import type { Transaction } from 'sequelize';
import { creditPoints } from './creditPoints.js';
import { drawPoints } from './drawPoints.js';
import { PointsOperation } from './operations.js';

/**
 * An admin's manual correction: a positive delta is a new lot expiring at `expiresAt`, a negative
 * one is drawn FIFO like a consumption. Both write an "admin adjust" ledger row naming the admin.
 */
export async function adjustPoints(
  input: { userId: string; delta: number; expiresAt?: Date; actorAdminId: number; memo: string },
  t: Transaction,
): Promise<{ balance: number }> {
  if (input.delta > 0) {
    if (!input.expiresAt) throw new Error('a positive adjustment needs an expiry');
    const { balance } = await creditPoints(
      {
        userId: input.userId,
        points: input.delta,
        source: 'admin_adjust',
        expiresAt: input.expiresAt,
        operationType: PointsOperation.adminAdjust,
        memo: input.memo,
        actorAdminId: input.actorAdminId,
      },
      t,
    );
    return { balance };
  }
  const { balance } = await drawPoints(
    { userId: input.userId, points: -input.delta, memo: input.memo },
    { operationType: PointsOperation.adminAdjust, actorAdminId: input.actorAdminId },
    t,
  );
  return { balance };
}
