import { say } from '../i18n.js';
import { orderNotFound } from '../services/orders/orderStatus.js';
import { allow, definePolicy, MINI_USER, ownRow, refusal, SUPER } from './policy.js';

/**
 * meta_order: super admins query WeChat and refund in the back office; a mini-program user places
 * orders and lists, views, pays and cancels their own — someone else's order is "not found" (never
 * "forbidden": that would confirm it exists).
 */
export const orderPolicy = definePolicy(
  'meta_order',
  allow(SUPER, ['queryWechat', 'refund'], { refusal: refusal(say('只有超级管理员可以操作订单', 'Only super admins handle orders')) }),
  allow(MINI_USER, ['placeOrder', 'listOwn']),
  allow(MINI_USER, ['view', 'pay', 'cancel'], { when: ownRow, refusal: orderNotFound }),
);
