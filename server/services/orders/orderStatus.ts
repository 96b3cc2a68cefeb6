import { AppError } from '../../errors.js';
import { say, type Localized } from '../../i18n.js';
import type { Order } from '../../models/index.js';
import { toCents } from '../quota/amount.js';

/** `meta_order.payment_status`: the codes, their names (API) and labels (admin), in one place. */
export const OrderStatus = { pending: 0, paid: 1, closed: 2, refunded: 3 } as const;
export type OrderStatusName = keyof typeof OrderStatus;
export const ORDER_STATUS_NAMES = Object.fromEntries(Object.entries(OrderStatus).map(([name, code]) => [code, name])) as Record<number, OrderStatusName>;
export const ORDER_STATUS_LABELS: Record<OrderStatusName, Localized> = {
  pending: say('待支付', 'Pending'),
  paid: say('已支付', 'Paid'),
  closed: say('已关闭', 'Closed'),
  refunded: say('已退款', 'Refunded'),
};
/** The zh-CN label of a status code (the code itself when unknown). */
export const orderStatusLabel = (code: number): string => ORDER_STATUS_LABELS[ORDER_STATUS_NAMES[code]!]?.['zh-CN'] ?? String(code);

export interface OrderView {
  id: string;
  orderNo: string;
  status: OrderStatusName;
  packageId: string | null;
  productId: string;
  promotionId: string | null;
  description: string | null;
  originalAmount: string;
  discountAmount: string;
  totalAmount: string;
  points: number;
  bonusPoints: number;
  /** What the user receives: points plus bonus. */
  totalPoints: number;
  pointsExpireAt: string | null;
  createdAt: string;
  expiresAt: string;
  paidAt: string | null;
  closedAt: string | null;
  refundedAt: string | null;
}

export function presentOrder(order: Order, description: string | null = null): OrderView {
  return {
    id: order.id,
    orderNo: order.orderNo,
    status: ORDER_STATUS_NAMES[order.paymentStatus]!,
    packageId: order.packageId,
    productId: order.productId,
    promotionId: order.promotionId,
    description,
    originalAmount: order.originalAmount,
    discountAmount: order.discountAmount,
    totalAmount: order.totalAmount,
    points: order.points,
    bonusPoints: order.bonusPoints,
    totalPoints: order.points + order.bonusPoints,
    pointsExpireAt: order.pointsExpireAt ? order.pointsExpireAt.toISOString() : null,
    createdAt: order.createdAt.toISOString(),
    expiresAt: order.expiresAt.toISOString(),
    paidAt: order.paidAt ? order.paidAt.toISOString() : null,
    closedAt: order.closedAt ? order.closedAt.toISOString() : null,
    refundedAt: order.refundedAt ? order.refundedAt.toISOString() : null,
  };
}

export const orderNotFound = () => new AppError(404, 4404, 'ORDER_NOT_FOUND', '订单不存在');
export const orderNotPending = (status: number) =>
  new AppError(409, 4409, 'ORDER_NOT_PENDING', status === OrderStatus.paid ? '订单已支付' : '订单已关闭或已退款');
export const orderExpired = () => new AppError(409, 4410, 'ORDER_EXPIRED', '订单已超时关闭，请重新下单');

/** WeChat wants integer fen; our amounts are exact NUMERIC strings. */
export function amountToFen(amount: string): number {
  return Number(toCents(amount));
}
