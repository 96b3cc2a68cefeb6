import type { Transaction } from 'sequelize';
import { z } from 'zod';
import { conflict, notFound } from '../../errors.js';
import { say } from '../../i18n.js';
import { Order, Package, Product } from '../../models/index.js';
import type { Actor } from '../../policies/actor.js';
import { NO_EXPIRY, auditedChange, auditedDeletes, pick } from './commandKit.js';
import { dateTime, description, m, money, name, onOff, parseInput, positiveInt, sortOrder } from './validation.js';

/** `meta_product` as the super admin writes it (form strings or JSON values). */
export const productSchema = z
  .object({
    name,
    productType: z.preprocess(
      (v) => (v === '' || v == null ? 1 : v),
      z.coerce.number().pipe(z.union([z.literal(1), z.literal(2)], { error: m('商品类型只能是 1（积分）或 2（会员）', 'Product type must be 1 (points) or 2 (membership)') })),
    ),
    pointAmount: positiveInt('积分数量', 'Points'),
    originalPrice: money('原价', 'Original price').optional(),
    salePrice: money('售价', 'Sale price'),
    currency: z.preprocess((v) => (v === '' || v == null ? 'CNY' : v), z.enum(['CNY', 'USD'], { error: m('币种只能是 CNY 或 USD', 'Currency must be CNY or USD') })),
    expireTime: dateTime('下架时间', 'Expiry').optional(),
    status: onOff().default(1),
    sort: sortOrder.default(0),
    pointsValidityDays: positiveInt('积分有效天数', 'Points validity (days)', 36_500).nullish(),
    description,
  })
  .transform((p) => ({ ...p, originalPrice: p.originalPrice ?? p.salePrice, expireTime: p.expireTime ?? NO_EXPIRY, pointsValidityDays: p.pointsValidityDays ?? null }))
  .refine((p) => Number(p.salePrice) <= Number(p.originalPrice), m('售价不能高于原价', 'The sale price cannot be above the original price'));

export type ProductInput = z.output<typeof productSchema>;
const FIELDS = ['name', 'productType', 'pointAmount', 'originalPrice', 'salePrice', 'currency', 'expireTime', 'status', 'sort', 'pointsValidityDays', 'description'] as const;

export const productSnapshot = (p: Product) => ({
  name: p.name,
  productType: p.productType,
  pointAmount: p.pointAmount,
  originalPrice: p.originalPrice,
  salePrice: p.salePrice,
  currency: p.currency,
  expireTime: p.expireTime,
  status: p.status,
  sort: p.sort,
  pointsValidityDays: p.pointsValidityDays,
  description: p.description,
});

async function lockProduct(id: string, t: Transaction): Promise<Product> {
  const row = await Product.findByPk(id, { transaction: t, lock: t.LOCK.UPDATE });
  if (!row) throw notFound(say('商品不存在', 'Product not found'), 'PRODUCT_NOT_FOUND', 3404);
  return row;
}

export function createProduct(actor: Actor, input: unknown, ip: string | null = null): Promise<Product> {
  const data = parseInput(productSchema, pick(input, FIELDS));
  return auditedChange(actor, 'catalog.product.create', 'meta_product', ip, async (t) => {
    const row = await Product.create(data, { transaction: t });
    return { result: row, recordId: row.id, after: productSnapshot(row) };
  });
}

/** Edits a product; the fields given are validated together with the ones kept. */
export function updateProduct(actor: Actor, id: string, input: unknown, ip: string | null = null): Promise<Product> {
  return auditedChange(actor, 'catalog.product.update', 'meta_product', ip, async (t) => {
    const row = await lockProduct(id, t);
    const before = productSnapshot(row);
    const data = parseInput(productSchema, { ...before, ...pick(input, FIELDS) });
    await row.update(data, { transaction: t });
    return { result: row, recordId: id, before, after: productSnapshot(row) };
  });
}

/** 下架: off the shelf (its packages stop selling with it); orders and history stay. */
export function takeProductOffSale(actor: Actor, id: string, ip: string | null = null): Promise<Product> {
  return auditedChange(actor, 'catalog.product.off_sale', 'meta_product', ip, async (t) => {
    const row = await lockProduct(id, t);
    const before = productSnapshot(row);
    await row.update({ status: 0 }, { transaction: t });
    return { result: row, recordId: id, before, after: productSnapshot(row) };
  });
}

/** Deletes products nothing refers to; one referenced by a package or an order is refused (take it off sale instead). */
export function deleteProducts(actor: Actor, ids: string[], ip: string | null = null): Promise<void> {
  return auditedDeletes(actor, 'catalog.product.delete', 'meta_product', ids, ip, async (id, t) => {
      const row = await lockProduct(id, t);
      const used = (await Package.count({ where: { productId: id }, transaction: t })) + (await Order.count({ where: { productId: id }, transaction: t }));
      if (used > 0) {
        throw conflict(
          say(`商品「${row.name}」已被套餐或订单引用，不能删除，请改为下架`, `Product "${row.name}" is used by packages or orders and cannot be deleted; take it off sale instead`),
          'PRODUCT_IN_USE',
          3409,
        );
      }
      const before = productSnapshot(row);
      await row.destroy({ transaction: t });
      return before;
  });
}
