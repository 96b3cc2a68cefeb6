import type { Transaction } from 'sequelize';
import { z } from 'zod';
import { badRequest, conflict, notFound } from '../../errors.js';
import { say } from '../../i18n.js';
import { Order, Package, Product, Promotion } from '../../models/index.js';
import type { Actor } from '../../policies/actor.js';
import { NO_EXPIRY, auditedChange, auditedDeletes, pick } from './commandKit.js';
import { dateTime, description, flag, m, money, name, onOff, parseInput, positiveInt, sortOrder } from './validation.js';

/** `rel_product_package`: a product (existing) with an optional promotion (existing, applicable to it). */
export const packageSchema = z
  .object({
    name,
    productId: z.string({ error: m('请选择商品', 'Choose a product') }).trim().uuid(m('请选择有效的商品', 'Choose a valid product')),
    promotionId: z.preprocess(
      (v) => (v === '' || v == null ? null : v),
      z.string().trim().uuid(m('请选择有效的促销', 'Choose a valid promotion')).nullable(),
    ),
    packagePrice: money('套餐价格', 'Package price'),
    totalPoints: positiveInt('积分数量', 'Points'),
    isHot: flag.default(false),
    sort: sortOrder.default(0),
    expireTime: dateTime('下架时间', 'Expiry').optional(),
    status: onOff().default(1),
    description,
  })
  .transform((p) => ({ ...p, expireTime: p.expireTime ?? NO_EXPIRY }));

const FIELDS = ['name', 'productId', 'promotionId', 'packagePrice', 'totalPoints', 'isHot', 'sort', 'expireTime', 'status', 'description'] as const;

async function validated(input: unknown, t: Transaction) {
  const p = parseInput(packageSchema, input);
  if (!(await Product.findByPk(p.productId, { transaction: t }))) throw badRequest(say('所选商品不存在', 'The chosen product does not exist'), 'PRODUCT_NOT_FOUND', 3404);
  if (p.promotionId) {
    const promo = await Promotion.findByPk(p.promotionId, { transaction: t });
    if (!promo) throw badRequest(say('所选促销不存在', 'The chosen promotion does not exist'), 'PROMOTION_NOT_FOUND', 3404);
    const listed = Array.isArray(promo.applicableProducts) ? (promo.applicableProducts as unknown[]).map(String) : [];
    if (listed.length && !listed.includes(p.productId)) {
      throw badRequest(say(`促销「${promo.name}」不适用于所选商品`, `Promotion "${promo.name}" does not apply to the chosen product`), 'PROMOTION_NOT_APPLICABLE', 3001);
    }
  }
  return p;
}

export const packageSnapshot = (p: Package) => ({
  name: p.name,
  productId: p.productId,
  promotionId: p.promotionId,
  packagePrice: p.packagePrice,
  totalPoints: p.totalPoints,
  isHot: p.isHot,
  sort: p.sort,
  expireTime: p.expireTime,
  status: p.status,
  description: p.description,
});

async function lockPackage(id: string, t: Transaction): Promise<Package> {
  const row = await Package.findByPk(id, { transaction: t, lock: t.LOCK.UPDATE });
  if (!row) throw notFound(say('套餐不存在', 'Package not found'), 'PACKAGE_NOT_FOUND', 3404);
  return row;
}

export function createPackage(actor: Actor, input: unknown, ip: string | null = null): Promise<Package> {
  return auditedChange(actor, 'catalog.package.create', 'rel_product_package', ip, async (t) => {
    const row = await Package.create(await validated(pick(input, FIELDS), t), { transaction: t });
    return { result: row, recordId: row.id, after: packageSnapshot(row) };
  });
}

export function updatePackage(actor: Actor, id: string, input: unknown, ip: string | null = null): Promise<Package> {
  return auditedChange(actor, 'catalog.package.update', 'rel_product_package', ip, async (t) => {
    const row = await lockPackage(id, t);
    const before = packageSnapshot(row);
    await row.update(await validated({ ...before, ...pick(input, FIELDS) }, t), { transaction: t });
    return { result: row, recordId: id, before, after: packageSnapshot(row) };
  });
}

/** 下架: no longer sold (open orders keep their price); history stays. */
export function takePackageOffSale(actor: Actor, id: string, ip: string | null = null): Promise<Package> {
  return auditedChange(actor, 'catalog.package.off_sale', 'rel_product_package', ip, async (t) => {
    const row = await lockPackage(id, t);
    const before = packageSnapshot(row);
    await row.update({ status: 0 }, { transaction: t });
    return { result: row, recordId: id, before, after: packageSnapshot(row) };
  });
}

/** Deletes packages no order refers to (else: take it off sale). */
export function deletePackages(actor: Actor, ids: string[], ip: string | null = null): Promise<void> {
  return auditedDeletes(actor, 'catalog.package.delete', 'rel_product_package', ids, ip, async (id, t) => {
    const row = await lockPackage(id, t);
    if ((await Order.count({ where: { packageId: id }, transaction: t })) > 0) {
      throw conflict(
        say(`套餐「${row.name}」已有订单，不能删除，请改为下架`, `Package "${row.name}" has orders and cannot be deleted; take it off sale instead`),
        'PACKAGE_IN_USE',
        3409,
      );
    }
    const before = packageSnapshot(row);
    await row.destroy({ transaction: t });
    return before;
  });
}
