import type { Transaction } from 'sequelize';
import { authorize } from '../../policies/index.js';
import { z } from 'zod';
import { inTransaction } from '../../db/index.js';
import { notFound } from '../../errors.js';
import { say } from '../../i18n.js';
import { NO_EXPIRY } from '../../lib/chinaTime.js';
import { msg, parseInput, requiredText, type RawInput } from '../../lib/input.js';
import { MiniUser } from '../../models/index.js';
import type { Actor } from '../../policies/actor.js';
import { recordOperation } from '../audit/operationLog.js';
import { creditPoints } from './creditPoints.js';
import { drawPoints } from './drawPoints.js';
import { PointsOperation } from './operations.js';

const POINTS_MAX = 100_000_000;
const DAY_MS = 86_400_000;

const deltaError = msg(
  `积分变动须为非零整数（正数增加，负数扣减），绝对值不超过 ${POINTS_MAX}`,
  `The change must be a non-zero whole number (positive adds, negative deducts), at most ${POINTS_MAX} either way`,
);
const expiryError = msg('有效期须为 1–3650 天（留空为长期有效）', 'The validity must be 1–3650 days (empty: never expires)');

/** 调整积分: what an admin (form, CLI, API) may ask for. */
export const adjustPointsSchema = z.object({
  userId: z.string({ error: msg('用户不存在', 'No such user') }).min(1),
  delta: z
    .union([z.number(), z.string().trim().regex(/^[+-]?\d+$/, { error: deltaError }).transform(Number)], { error: deltaError })
    .refine((d) => Number.isSafeInteger(d) && d !== 0 && Math.abs(d) <= POINTS_MAX, { error: deltaError }),
  memo: requiredText(say('备注', 'a memo'), 200),
  /** Positive changes only: how long the new lot lasts; empty = never expires. */
  expiresInDays: z.preprocess(
    (v) => (v == null || (typeof v === 'string' && v.trim() === '') ? undefined : typeof v === 'string' ? v.trim() : v),
    z.coerce.number({ error: expiryError }).int({ error: expiryError }).min(1, { error: expiryError }).max(3650, { error: expiryError }).optional(),
  ),
});

export type AdjustPointsInput = RawInput<typeof adjustPointsSchema> & { actor: Actor; ip?: string | null };

/**
 * An admin's manual correction, in its own transaction: a positive delta is a new lot (expiring
 * after `expiresInDays`, or never), a negative one is drawn FIFO like a consumption. Both write an
 * "admin adjust" ledger row naming the admin, and an operation-log row with the balance before and after.
 */
export async function adjustPoints(input: AdjustPointsInput, now = new Date()): Promise<{ balance: number; delta: number }> {
  authorize(input.actor, 'adjustPoints', 'meta_user');
  const { userId, delta, memo, expiresInDays } = parseInput(adjustPointsSchema, input);
  const expiresAt = delta > 0 ? (expiresInDays ? new Date(now.getTime() + expiresInDays * DAY_MS) : NO_EXPIRY) : undefined;
  return inTransaction(async (t) => {
    // The user row is locked first, as every points change does, so "before" is exact.
    const before = await MiniUser.findByPk(userId, { attributes: ['id', 'totalPoints'], transaction: t, lock: t.LOCK.UPDATE });
    if (!before) throw notFound(say('用户不存在', 'No such user'));
    const { balance } = await applyAdjustment({ userId, delta, expiresAt, actorAdminId: input.actor.id, memo }, t);
    await recordOperation(
      {
        actor: input.actor,
        ownerId: null,
        action: 'mini_user.adjust_points',
        resource: 'meta_user',
        recordId: userId,
        before: { totalPoints: before.totalPoints },
        after: { totalPoints: balance, delta, memo, expiresAt: expiresAt?.toISOString() ?? null },
        ip: input.ip ?? null,
      },
      t,
    );
    return { balance, delta };
  });
}

async function applyAdjustment(
  input: { userId: string; delta: number; expiresAt?: Date; actorAdminId: number; memo: string },
  t: Transaction,
): Promise<{ balance: number }> {
  if (input.delta > 0) {
    return creditPoints(
      {
        userId: input.userId,
        points: input.delta,
        source: 'admin_adjust',
        expiresAt: input.expiresAt!,
        operationType: PointsOperation.adminAdjust,
        memo: input.memo,
        actorAdminId: input.actorAdminId,
      },
      t,
    );
  }
  return drawPoints(
    { userId: input.userId, points: -input.delta, memo: input.memo },
    { operationType: PointsOperation.adminAdjust, actorAdminId: input.actorAdminId },
    t,
  );
}
