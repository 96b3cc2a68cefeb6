import { WechatPayment } from '../../server/models/index.js';
import { defineResource } from './define.js';

/** `wechat_payments`. */
export const wechatPaymentsResource = () =>
  defineResource(WechatPayment, {
    navigation: 'points',
    list: ['id', 'orderId', 'source', 'tradeState', 'amountTotal', 'createdAt'],
    filter: ['orderId', 'source', 'tradeState', 'transactionId', 'createdAt'],
    json: ['raw'],
    actions: {},
  });
