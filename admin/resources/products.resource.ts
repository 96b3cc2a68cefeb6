import { Product } from '../../server/models/index.js';
import { productActions, productHandlers } from '../actions/catalog.js';
import { defineResource } from './define.js';

/** `meta_product`. */
export const productsResource = () =>
  defineResource(Product, {
    navigation: 'points',
    list: ['id', 'name', 'productType', 'pointAmount', 'salePrice', 'status', 'sort'],
    edit: ['name', 'productType', 'pointAmount', 'originalPrice', 'salePrice', 'currency', 'expireTime', 'status', 'sort', 'pointsValidityDays', 'description'],
    filter: ['name', 'productType', 'status'],
    money: ['originalPrice', 'salePrice'],
    textarea: ['description'],
    optional: ['productType', 'originalPrice', 'currency', 'expireTime', 'status', 'sort'],
    enums: { productType: [1, 2], status: [0, 1], currency: ['CNY', 'USD'] },
    actions: { ...productActions() },
    handlers: productHandlers(),
  });
