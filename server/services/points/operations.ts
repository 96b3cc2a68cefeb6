import { AppError } from '../../errors.js';

/** `purchase_record.operation_type` (the mini-program design's list, plus redeem and refund). */
export const PointsOperation = {
  purchase: 1,
  consume: 2,
  expire: 3,
  redeem: 4,
  adminAdjust: 5,
  refund: 6,
} as const;
export type PointsOperationType = (typeof PointsOperation)[keyof typeof PointsOperation];

export const POINTS_OPERATION_NAMES: Record<PointsOperationType, string> = {
  1: 'purchase',
  2: 'consume',
  3: 'expire',
  4: 'redeem',
  5: 'admin_adjust',
  6: 'refund',
};

/** `points_lots.source`. */
export type LotSource = 'purchase' | 'redeem' | 'admin_adjust';

export class InsufficientPointsError extends AppError {
  constructor(
    public readonly userId: string,
    public readonly requested: number,
    public readonly available: number,
  ) {
    super(409, 5101, 'INSUFFICIENT_POINTS', `积分不足：需要 ${requested}，可用 ${available}`);
  }
}

/** A positive whole number of points; anything else is a programming error, not user input. */
export function assertPositivePoints(points: number): void {
  if (!Number.isSafeInteger(points) || points <= 0) throw new Error(`points must be a positive integer, got ${points}`);
}
