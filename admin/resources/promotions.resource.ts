import { Promotion } from '../../server/models/index.js';
import { promotionActions, promotionHandlers } from '../actions/catalog.js';
import { defineResource } from './define.js';

/** `meta_promotion`. */
export const promotionsResource = () =>
  defineResource(Promotion, {
    navigation: 'points',
    list: ['id', 'name', 'promoType', 'bonusPoints', 'startTime', 'endTime', 'status'],
    edit: ['name', 'promoType', 'discountRate', 'minAmount', 'reduceAmount', 'bonusPoints', 'startTime', 'endTime', 'applicableProducts', 'memo'],
    show: ['id', 'name', 'promoType', 'discountRate', 'minAmount', 'reduceAmount', 'bonusPoints', 'startTime', 'endTime', 'applicableProducts', 'status', 'memo', 'createdAt', 'updatedAt'],
    filter: ['name', 'promoType', 'status', 'startTime', 'endTime'],
    money: ['minAmount', 'reduceAmount'],
    textarea: ['memo'],
    optional: ['bonusPoints', 'discountRate', 'minAmount', 'reduceAmount', 'applicableProducts'],
    enums: { promoType: [1, 2], status: [0, 1, 2] },
    // A picker of products (stored as a JSON array of ids; empty = every product the promotion is attached to).
    options: { properties: { applicableProducts: { type: 'reference', reference: 'meta_product', isArray: true } } },
    actions: { ...promotionActions() },
    handlers: promotionHandlers(),
  });
