import { Promotion } from '../../server/models/index.js';
import { defineResource } from './define.js';

/** `meta_promotion`. */
export const promotionsResource = () =>
  defineResource(Promotion, {
    navigation: 'points',
    list: ['id', 'name', 'promoType', 'bonusPoints', 'startTime', 'endTime', 'status'],
    edit: ['name', 'promoType', 'discountRate', 'minAmount', 'reduceAmount', 'bonusPoints', 'startTime', 'endTime', 'status', 'memo'],
    filter: ['name', 'promoType', 'status', 'startTime', 'endTime'],
    money: ['minAmount', 'reduceAmount'],
    json: ['applicableProducts'],
    textarea: ['memo'],
    enums: { promoType: [1, 2], status: [0, 1, 2] },
    actions: {},
  });
