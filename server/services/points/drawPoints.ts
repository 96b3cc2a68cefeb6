import { DataTypes, QueryTypes, type Transaction } from 'sequelize';
import { notFound } from '../../errors.js';
import { PurchaseRecord } from '../../models/index.js';
import { assertPositivePoints, InsufficientPointsError } from './operations.js';

export interface DrawPointsInput {
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

export interface DrawPointsResult {
  record: PurchaseRecord;
  balance: number;
  draws: LotDraw[];
  /** True when `requestId` had already been charged: nothing moved, the earlier record is returned. */
  replayed: boolean;
}

interface DrawOptions {
  operationType: number;
  actorAdminId?: number | null;
}

/** What the database function `points_draw` answers (sql/points_draw.sql). */
type DrawOutcome =
  | { outcome: 'drawn' | 'replayed'; balance: number; record: Record<string, unknown>; draws: Array<{ lotId: string; points: number; expiresAt: string }> }
  | { outcome: 'insufficient'; available: number }
  | { outcome: 'no_user' };

/** A purchase_record row as `to_jsonb` writes it (snake_case, timestamps as text) → the model. */
function purchaseRecordFromJson(json: Record<string, unknown>): PurchaseRecord {
  const values: Record<string, unknown> = {};
  for (const [name, attribute] of Object.entries(PurchaseRecord.getAttributes())) {
    const value = json[attribute.field ?? name] ?? null;
    values[name] = value !== null && attribute.type instanceof DataTypes.DATE ? new Date(value as string) : value;
  }
  return PurchaseRecord.build(values, { isNewRecord: false, raw: true });
}

/**
 * Takes `points` from the user's unexpired lots, soonest expiry first, inside the caller's
 * transaction, and writes ONE ledger row (of `options.operationType`) with the balance after it.
 * The draw is the database function `points_draw` — the one implementation, also run by the
 * metering charge (`charge_points`) — so this is one round trip. The user's row is locked before
 * anything is read, so concurrent draws for one user run one after another and can never
 * overdraw; lots past their expiry are expired first. Throws InsufficientPointsError (409, 5101) —
 * the caller's transaction should then roll back. Used by admin deductions (`adjustPoints`).
 */
export async function drawPoints(
  input: DrawPointsInput,
  options: DrawOptions,
  t: Transaction,
): Promise<DrawPointsResult> {
  assertPositivePoints(input.points);
  const [row] = await PurchaseRecord.sequelize!.query<{ result: DrawOutcome }>(
    `SELECT points_draw(:userId, :points, :operationType, :now, :apiKeyId, :apiName, :apiPath,
                        :meteringServiceId, :requestId, :memo, :actorAdminId) AS result`,
    {
      replacements: {
        userId: input.userId,
        points: input.points,
        operationType: options.operationType,
        now: input.now ?? new Date(),
        apiKeyId: input.apiKeyId ?? null,
        apiName: input.apiName ?? null,
        apiPath: input.apiPath ?? null,
        meteringServiceId: input.meteringServiceId ?? null,
        requestId: input.requestId ?? null,
        memo: input.memo ?? null,
        actorAdminId: options.actorAdminId ?? null,
      },
      type: QueryTypes.SELECT,
      transaction: t,
    },
  );
  const result = row!.result;
  switch (result.outcome) {
    case 'no_user':
      throw notFound('用户不存在', 'USER_NOT_FOUND', 2404);
    case 'insufficient':
      throw new InsufficientPointsError(input.userId, input.points, result.available);
    default:
      return {
        record: purchaseRecordFromJson(result.record),
        balance: result.balance,
        draws: result.draws.map((d) => ({ lotId: d.lotId, points: d.points, expiresAt: new Date(d.expiresAt) })),
        replayed: result.outcome === 'replayed',
      };
  }
}
