import { Order } from '../../server/models/index.js';
import { orderAdminActions } from '../actions/miniprogram.js';
import { defineResource } from './define.js';

/** `meta_order`. */
export const ordersResource = () =>
  defineResource(Order, {
    navigation: 'points',
    list: ['id', 'orderNo', 'userId', 'totalAmount', 'points', 'paymentStatus', 'createdAt', 'paidAt'],
    filter: ['orderNo', 'userId', 'paymentStatus', 'wxTransactionId', 'createdAt'],
    money: ['originalAmount', 'discountAmount', 'totalAmount'],
    textarea: ['refundReason'],
    enums: { paymentStatus: [0, 1, 2, 3] },
    actions: orderAdminActions,
  });
