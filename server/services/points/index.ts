export { creditPoints, type CreditPointsInput, type CreditPointsResult } from './creditPoints.js';
export { drawPoints, type DrawPointsInput, type DrawPointsResult, type LotDraw } from './drawPoints.js';
export { expireLots, expireLotsJob, expireUserLots } from './expireLots.js';
export { revokeOrderPoints } from './revokeOrderPoints.js';
export { adjustPoints } from './adjustPoints.js';
export { getPointsSummary, listPointsRecords, type PointsSummary, type PointsRecordView } from './pointsSummary.js';
export {
  InsufficientPointsError,
  PointsOperation,
  POINTS_OPERATION_NAMES,
  type LotSource,
  type PointsOperationType,
} from './operations.js';
export { findPointsDrift } from './invariant.js';
export { redeemCardKey } from './redeemCardKey.js';
