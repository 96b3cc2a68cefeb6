import { Package } from '../../server/models/index.js';
import { packageActions, packageHandlers } from '../actions/catalog.js';
import { defineResource } from './define.js';

/** `rel_product_package`. */
export const packagesResource = () =>
  defineResource(Package, {
    navigation: 'points',
    list: ['id', 'name', 'productId', 'packagePrice', 'totalPoints', 'isHot', 'status', 'sort'],
    edit: ['name', 'productId', 'promotionId', 'packagePrice', 'totalPoints', 'isHot', 'sort', 'expireTime', 'status', 'description'],
    filter: ['name', 'productId', 'isHot', 'status'],
    money: ['packagePrice'],
    textarea: ['description'],
    optional: ['isHot', 'sort', 'expireTime', 'status'],
    enums: { status: [0, 1] },
    actions: { ...packageActions() },
    handlers: packageHandlers(),
  });
