import { flat, type ActionRequest } from 'adminjs';
import {
  createPackage,
  createProduct,
  createPromotion,
  deletePackages,
  deleteProducts,
  deletePromotions,
  endPromotion,
  takePackageOffSale,
  takeProductOffSale,
  updatePackage,
  updateProduct,
  updatePromotion,
} from '../../server/services/catalog/index.js';
import type { Actor } from '../../server/policies/actor.js';
import { Components } from '../componentLoader.js';
import type { DomainAction } from '../resources/define.js';
import { commandHandler, crudHandlers } from './helpers.js';

/**
 * Products, promotions and packages in the back office (super admin): new / edit / delete / bulk
 * delete / 下架 go through the catalog commands (server/services/catalog), validated by one
 * schema each, audited with before/after. Deleting a row orders refer to is refused with a
 * message that says to take it off sale instead.
 */

interface Commands {
  create(actor: Actor, input: unknown, ip: string | null): Promise<{ id: string | number }>;
  update(actor: Actor, id: string, input: unknown, ip: string | null): Promise<unknown>;
  remove(actor: Actor, ids: string[], ip: string | null): Promise<void>;
  offSale(actor: Actor, id: string, ip: string | null): Promise<unknown>;
}

const input = (request: ActionRequest) => flat.unflatten((request.payload ?? {}) as Record<string, unknown>) as Record<string, unknown>;

export const catalogHandlers = (resourceId: string, c: Commands) => crudHandlers(resourceId, { input, create: c.create, update: c.update, remove: c.remove });

/** 下架 (a confirmation form: a bare button would be a GET, and a GET changes nothing). */
export function offSaleAction(resourceId: string, c: Pick<Commands, 'offSale'>, isOnSale: (params: Record<string, unknown>) => boolean): Record<string, DomainAction> {
  return {
    takeOffSale: {
      actionType: 'record',
      icon: 'ArrowDownCircle',
      component: Components.CommandForm,
      // zh-CN texts; English under `<resource>_takeOffSale_<key>` in admin/locales.
      custom: {
        title: '下架',
        description: resourceId === 'meta_promotion' ? '促销立即结束（套餐按原价继续销售）；订单与记录保留。' : '下架后不再销售；已有订单与记录保留。',
        submitLabel: '确认下架',
        summary: [{ label: '名称', path: 'name' }],
        fields: [],
      },
      isAccessible: (context) => Boolean(context.record) && isOnSale(context.record!.params),
      handler: commandHandler(resourceId, async ({ actor, id, ip }) => (await c.offSale(actor, id, ip), 'takenOffSale'), 'reload'),
    },
  };
}

const productCommands: Commands = { create: createProduct, update: updateProduct, remove: deleteProducts, offSale: takeProductOffSale };
const promotionCommands: Commands = { create: createPromotion, update: updatePromotion, remove: deletePromotions, offSale: endPromotion };
const packageCommands: Commands = { create: createPackage, update: updatePackage, remove: deletePackages, offSale: takePackageOffSale };

export const productHandlers = () => catalogHandlers('meta_product', productCommands);
export const promotionHandlers = () => catalogHandlers('meta_promotion', promotionCommands);
export const packageHandlers = () => catalogHandlers('rel_product_package', packageCommands);
export const productActions = () => offSaleAction('meta_product', productCommands, (p) => Number(p.status) === 1);
export const promotionActions = () => offSaleAction('meta_promotion', promotionCommands, (p) => Number(p.status) !== 2);
export const packageActions = () => offSaleAction('rel_product_package', packageCommands, (p) => Number(p.status) === 1);
